import Foundation
import ServiceKit

/// The `signup_sagas` table: one row per `POST /v1/signup` attempt, written before its first step and kept
/// current after each, so any replica can finish it (a retry with the same `Idempotency-Key`) or undo it (the
/// sweeper) after a crash. Ids of what a saga makes (the owner's user id, the project id) are chosen when the
/// row is written, so every step and every undo is idempotent by them.
///
/// The keys minted for the project are kept sealed (AES-256-GCM under a key derived from the API-key pepper)
/// only while the saga runs — a resumed saga must answer them — and erased when it ends.
struct SignupSagaStore: Sendable {
    /// One saga.
    struct Saga: Sendable {
        let id: String
        let idempotencyKey: String?
        let requestHash: [UInt8]
        let steps: [String]
        let userID: String
        let projectID: String
        let businessName: String
        let referralCode: String?
        let sealedKeys: [UInt8]?
        let createdAt: Date
    }

    /// The pool.
    let database: PostgresPool
    /// The schema holding the table.
    let schema: String
    /// The sealing key of the keys kept while a saga runs.
    let sealingKey: [UInt8]

    /// Creates a store sealing keys under a key derived from `pepper`.
    init(database: PostgresPool, schema: String, pepper: APIKeyPepper) {
        self.database = database
        self.schema = schema
        self.sealingKey = HMACSHA256.authenticationCode(for: "router.signup-saga.v1", key: pepper.bytes)
    }

    private static let columns = """
        id, idempotency_key, request_hash, steps, user_id, project_id, business_name, referral_code, sealed_keys,
        created_at
        """

    /// Writes a new running saga leased until `now + lease`; nil when a running saga holds the same
    /// idempotency key (a concurrent first request).
    func begin(
        idempotencyKey: String?, requestHash: [UInt8], businessName: String, referralCode: String?, now: Date,
        lease: Duration
    ) async throws -> Saga? {
        let rows = try await database.query("""
            INSERT INTO \(schema).signup_sagas (id, idempotency_key, request_hash, state, user_id, project_id,
                business_name, referral_code, lease_until, created_at, updated_at)
            VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $9)
            ON CONFLICT DO NOTHING RETURNING \(Self.columns)
            """, [RandomIdentifier.make("sgn"), idempotencyKey, requestHash, RandomIdentifier.make("usr"),
                  "prj_" + APIKey.Base62.randomDigits(16) { SecureRandom.bytes($0) }, businessName, referralCode,
                  now.adding(lease), now])
        return try rows.first.map(Self.saga)
    }

    /// The running saga of `idempotencyKey`, taken over if its lease has passed (it is then leased to the
    /// caller until `now + lease`). `.busy` while another replica holds it.
    enum Resumption: Sendable { case none, busy, resumed(Saga) }

    /// Looks up and, if free, takes over the running saga of `idempotencyKey`.
    func resume(idempotencyKey: String, now: Date, lease: Duration) async throws -> Resumption {
        let rows = try await database.query("""
            UPDATE \(schema).signup_sagas SET lease_until = $3, updated_at = $2
            WHERE state = 'running' AND idempotency_key = $1 AND lease_until <= $2
            RETURNING \(Self.columns)
            """, [idempotencyKey, now, now.adding(lease)])
        if let row = rows.first { return .resumed(try Self.saga(row)) }
        let running = try await database.query(
            "SELECT 1 FROM \(schema).signup_sagas WHERE state = 'running' AND idempotency_key = $1", [idempotencyKey])
        return running.isEmpty ? .none : .busy
    }

    /// Takes over one running saga whose lease passed more than `abandonAfter` ago (the sweeper's), if any.
    func claimAbandoned(now: Date, abandonAfter: Duration, lease: Duration) async throws -> Saga? {
        let rows = try await database.query("""
            UPDATE \(schema).signup_sagas SET lease_until = $2, updated_at = $1
            WHERE id = (SELECT id FROM \(schema).signup_sagas WHERE state = 'running' AND lease_until <= $3
                        ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING \(Self.columns)
            """, [now, now.adding(lease), now.adding(.zero - abandonAfter)])
        return try rows.first.map(Self.saga)
    }

    /// Records step `step` done (and renews the lease).
    func record(_ saga: Saga, step: String, now: Date, lease: Duration) async throws -> Saga {
        let steps = saga.steps.contains(step) ? saga.steps : saga.steps + [step]
        try await database.execute(
            "UPDATE \(schema).signup_sagas SET steps = $2, lease_until = $3, updated_at = $4 WHERE id = $1",
            [saga.id, steps.joined(separator: ","), now.adding(lease), now])
        return saga.with(steps: steps, sealedKeys: saga.sealedKeys)
    }

    /// The request's fingerprint: an HMAC (under the sealing key, so the row never holds a plain hash of a
    /// password) of its fields as decoded, so a retry matches whatever the order of its JSON members.
    func fingerprint(_ fields: [String?]) -> [UInt8] {
        let text = fields.map { $0.map { "1" + $0 } ?? "0" }.joined(separator: "\u{0}")
        return HMACSHA256.authenticationCode(for: text, key: sealingKey)
    }

    /// Seals `keys` (the minted keys' JSON) for the saga's row, bound to its id.
    func seal(_ keys: [UInt8], saga: Saga) throws -> [UInt8] {
        try AES256GCM.seal(keys, key: sealingKey, authenticating: Array(saga.id.utf8))
    }

    /// Opens the saga's sealed keys.
    func openKeys(_ saga: Saga) throws -> [UInt8]? {
        try saga.sealedKeys.map { try AES256GCM.open($0, key: sealingKey, authenticating: Array(saga.id.utf8)) }
    }

    /// Ends the saga (`completed` or `undone`), erasing its sealed keys.
    func finish(_ saga: Saga, state: String, now: Date) async throws {
        try await database.execute("""
            UPDATE \(schema).signup_sagas SET state = $2, sealed_keys = NULL, lease_until = $3, updated_at = $3
            WHERE id = $1
            """, [saga.id, state, now])
    }

    /// Gives the saga's lease up at once (a failed undo: the sweeper takes it after `abandonAfter`).
    func release(_ saga: Saga, now: Date) async throws {
        try await database.execute(
            "UPDATE \(schema).signup_sagas SET lease_until = $2, updated_at = $2 WHERE id = $1 AND state = 'running'",
            [saga.id, now])
    }

    private static func saga(_ row: PostgresRow) throws -> Saga {
        let steps = try row.decode(String.self, at: 3)
        return Saga(
            id: try row.decode(String.self, at: 0), idempotencyKey: try row.decode(String?.self, at: 1),
            requestHash: try row.decode([UInt8].self, at: 2),
            steps: steps.split(separator: ",").map(String.init), userID: try row.decode(String.self, at: 4),
            projectID: try row.decode(String.self, at: 5), businessName: try row.decode(String.self, at: 6),
            referralCode: try row.decode(String?.self, at: 7), sealedKeys: try row.decode([UInt8]?.self, at: 8),
            createdAt: try row.decode(Date.self, at: 9))
    }
}

extension SignupSagaStore.Saga {
    /// This saga with other steps and keys.
    func with(steps: [String], sealedKeys: [UInt8]?) -> Self {
        Self(
            id: id, idempotencyKey: idempotencyKey, requestHash: requestHash, steps: steps, userID: userID,
            projectID: projectID, businessName: businessName, referralCode: referralCode, sealedKeys: sealedKeys,
            createdAt: createdAt)
    }
}

extension Date {
    /// This instant plus `duration`.
    func adding(_ duration: Duration) -> Date {
        let (seconds, attoseconds) = duration.components
        return addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
    }
}
