import Contracts
import ServiceKit
import Wire

/// A sliding-window counter kept in PostgreSQL (`link_address_hits`), so every replica counts together:
/// at most ``limit`` hits per (project, ``scope``, key) in any ``window``. The link requests per client
/// address and both password-grant limits are instances of it.
///
/// ```swift
/// let perAddress = WindowLimiter(database: pool, schema: "identity", scope: .passwordAddress, limit: 60,
///                                window: 3600, name: .passwordPerAddress)
/// let hit = try await perAddress.admit(projectID: project, key: context.clientAddress)  // or RATE_LIMITED
/// ```
///
/// A check and the recording of its hit run in one transaction under an advisory lock per
/// (scope, project, key), so concurrent requests cannot slip past the limit. The key's hits older than the
/// window are deleted as the key is next used (the housekeeping drops the rest after a day).
struct WindowLimiter: Sendable {
    /// What a limiter counts: the `scope` column of its rows.
    enum Scope: String, Sendable {
        /// Magic link and recovery requests per client address.
        case linkAddress = "link_address"
        /// Password grants per client address.
        case passwordAddress = "password_address"
        /// Failed password grants per normalised email.
        case passwordEmail = "password_email"
        /// Signups per client address.
        case signupAddress = "signup_address"
        /// Signups per normalised email.
        case signupEmail = "signup_email"

        /// Whether the key is a client address, counted as the unit a client controls
        /// (``ClientAddress/limitKey(_:)``: an IPv6 address as its /64), not as given.
        var countsAddresses: Bool { self == .linkAddress || self == .passwordAddress || self == .signupAddress }
    }

    /// The longest window any limiter may use, seconds (what the housekeeping keeps).
    static let maximumWindow = 86400

    let database: PostgresPool
    let schema: String
    /// What is counted.
    let scope: Scope
    /// Hits allowed per key in any window (0: no limit).
    let limit: Int
    /// The window, seconds (1 to ``maximumWindow``).
    let window: Int
    /// The name a refusal carries.
    let name: AuthLimit

    /// Creates a limiter; `window` is clamped to 1…``maximumWindow`` seconds.
    init(database: PostgresPool, schema: String, scope: Scope, limit: Int, window: Int, name: AuthLimit) {
        self.database = database
        self.schema = schema
        self.scope = scope
        self.limit = limit
        self.window = min(max(window, 1), Self.maximumWindow)
        self.name = name
    }

    /// Counts one hit for `key`, or refuses it (`RATE_LIMITED` naming ``name``, nothing counted) when the
    /// window already holds ``limit`` of them. Returns the hit's id (for ``release(_:)``); nil, and no
    /// check, when the limiter is off or `key` is nil (e.g. a call without a client address).
    @discardableResult
    func admit(projectID: String, key: String?) async throws -> Int64? {
        guard limit > 0, let given = key else { return nil }
        let key = scope.countsAddresses ? ClientAddress.limitKey(given) : given
        let outcome = try await database.withTransaction { tx -> Result<Int64, PublicError> in
            try await tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", ["limits.\(scope.rawValue):\(projectID):\(key)"])
            try await tx.execute("""
                DELETE FROM \(schema).link_address_hits
                WHERE project_id = $1 AND scope = $2 AND address = $3 AND at <= now() - $4::integer * interval '1 second'
                """, [projectID, scope.rawValue, key, window])
            let row = try await tx.query("""
                SELECT count(*)::bigint,
                       coalesce(ceil(extract(epoch FROM min(at) + $4::integer * interval '1 second' - now())), 0)::bigint
                FROM \(schema).link_address_hits WHERE project_id = $1 AND scope = $2 AND address = $3
                """, [projectID, scope.rawValue, key, window]).first
            let (count, wait) = try row?.decode((Int, Int).self) ?? (0, 0)
            if count >= limit { return .failure(name.refusal(retryAfter: wait)) }
            let inserted = try await tx.query("""
                INSERT INTO \(schema).link_address_hits (project_id, scope, address) VALUES ($1, $2, $3) RETURNING id
                """, [projectID, scope.rawValue, key]).first
            guard let inserted else { throw PostgresError(.unexpectedResult) }
            return .success(try inserted.decode(Int64.self, at: 0))
        }
        return try outcome.get()
    }

    /// Takes back a hit ``admit(projectID:key:)`` counted (it no longer counts against the limit).
    func release(_ hit: Int64) async throws {
        try await database.execute("DELETE FROM \(schema).link_address_hits WHERE id = $1", [hit])
    }

    /// Deletes every hit older than ``maximumWindow`` (the housekeeping; each key also cleans up as it is used).
    static func prune(database: PostgresPool, schema: String) async throws {
        try await database.execute(
            "DELETE FROM \(schema).link_address_hits WHERE at < now() - $1::integer * interval '1 second'", [maximumWindow])
    }
}
