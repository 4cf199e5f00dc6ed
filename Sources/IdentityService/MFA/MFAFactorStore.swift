import Foundation
import ServiceKit

/// The `mfa_factors` and `mfa_recovery_codes` rows of users. Every statement names the project and the user,
/// so another user's (or project's) factor looks absent. Secrets are sealed with AES-256-GCM under the master
/// key, the factor id as associated data (a sealed secret copied to another row does not open).
final class MFAFactorStore: Sendable {
    let database: PostgresPool
    let schema: String
    private let masterKey: [UInt8]
    /// Wrong codes in a row that lock a factor.
    static let maxFailures = 5
    /// How long a lock lasts.
    static let lockDuration: TimeInterval = 15 * 60

    /// One factor as verification needs it.
    struct Factor: Sendable {
        let id: String
        let secret: [UInt8]
        let verified: Bool
        let lockedUntil: Date?
    }

    /// What a failure left.
    struct Failure: Sendable {
        /// Wrong codes in a row now.
        let failures: Int
        /// Set when the factor is locked.
        let lockedUntil: Date?
    }

    /// Creates the store; `masterKey` must be 32 bytes.
    init(database: PostgresPool, schema: String, masterKey: [UInt8]) {
        self.database = database
        self.schema = schema
        self.masterKey = masterKey
    }

    /// Stores a new unverified factor with `secret` and the hashes of `recoveryCodes`, replacing the user's
    /// other unverified factors (an abandoned enrollment). Returns the factor id.
    func create(projectID: String, userID: String, secret: [UInt8], recoveryCodes: [String], now: Date) async throws -> String {
        let id = RandomIdentifier.make("mfa")
        let sealed = try AES256GCM.seal(secret, key: masterKey, authenticating: Array(id.utf8))
        try await database.withTransaction { tx in
            try await tx.execute("""
                DELETE FROM \(schema).mfa_factors WHERE project_id = $1 AND user_id = $2 AND verified_at IS NULL
                """, [projectID, userID])
            try await tx.execute("""
                INSERT INTO \(schema).mfa_factors (id, project_id, user_id, sealed_secret, created_at)
                VALUES ($1, $2, $3, $4, $5)
                """, [id, projectID, userID, sealed, now])
            for code in recoveryCodes {
                try await tx.execute(
                    "INSERT INTO \(schema).mfa_recovery_codes (factor_id, hash) VALUES ($1, $2)",
                    [id, RecoveryCodes.hash(code)])
            }
        }
        return id
    }

    /// The user's factor `id`, secret opened; nil when absent (or another user's).
    func factor(projectID: String, userID: String, id: String) async throws -> Factor? {
        guard let row = try await database.query("""
            SELECT sealed_secret, verified_at IS NOT NULL, locked_until FROM \(schema).mfa_factors
            WHERE id = $1 AND project_id = $2 AND user_id = $3
            """, [id, projectID, userID]).first else { return nil }
        let (sealed, verified, lockedUntil) = try row.decode(([UInt8], Bool, Date?).self)
        let secret = try AES256GCM.open(sealed, key: masterKey, authenticating: Array(id.utf8))
        return Factor(id: id, secret: secret, verified: verified, lockedUntil: lockedUntil)
    }

    /// Records a good code of `step`: in one statement, only if no code of this or a later step was used and
    /// the factor is not locked; marks the factor verified and clears its failures. False: replay (or locked).
    func useStep(_ factor: Factor, step: Int64, now: Date) async throws -> Bool {
        try await !database.query("""
            UPDATE \(schema).mfa_factors
            SET last_step = $2, failures = 0, locked_until = NULL, verified_at = coalesce(verified_at, $3)
            WHERE id = $1 AND last_step < $2 AND (locked_until IS NULL OR locked_until <= $3)
            RETURNING id
            """, [factor.id, step, now]).isEmpty
    }

    /// Spends the recovery code `code` of `factor` (compared in constant time with each unused hash; marked
    /// used in one guarded statement) and clears the failures. Returns how many unused codes remain, or nil.
    func spendRecoveryCode(_ factor: Factor, code: String, now: Date) async throws -> Int? {
        let presented = RecoveryCodes.hash(code)
        let unused = try await database.query(
            "SELECT hash FROM \(schema).mfa_recovery_codes WHERE factor_id = $1 AND used_at IS NULL", [factor.id]
        ).map { try $0.decode([UInt8].self, at: 0) }
        var match: [UInt8]?
        for hash in unused where ConstantTime.equals(hash, presented) { match = hash }
        guard let match else { return nil }
        return try await database.withTransaction { tx -> Int? in
            let spent = try await tx.query("""
                UPDATE \(schema).mfa_recovery_codes SET used_at = $3
                WHERE factor_id = $1 AND hash = $2 AND used_at IS NULL RETURNING factor_id
                """, [factor.id, match, now])
            guard !spent.isEmpty else { return nil }
            try await tx.execute(
                "UPDATE \(schema).mfa_factors SET failures = 0, locked_until = NULL WHERE id = $1", [factor.id])
            return unused.count - 1
        }
    }

    /// Counts a wrong code: failures since the last good code (a lock that has run out starts the count
    /// again); at ``maxFailures`` the factor is locked for ``lockDuration``.
    func recordFailure(_ factor: Factor, now: Date) async throws -> Failure {
        let row = try await database.query("""
            UPDATE \(schema).mfa_factors SET
                failures = CASE WHEN locked_until <= $2 THEN 1 ELSE failures + 1 END,
                locked_until = CASE
                    WHEN locked_until > $2 THEN locked_until
                    WHEN (CASE WHEN locked_until <= $2 THEN 1 ELSE failures + 1 END) >= $4 THEN $3
                END
            WHERE id = $1 RETURNING failures, locked_until
            """, [factor.id, now, Self.lockEnd(from: now), Self.maxFailures]).first
        guard let row else { return Failure(failures: 0, lockedUntil: nil) }
        let (failures, lockedUntil) = try row.decode((Int, Date?).self)
        return Failure(failures: failures, lockedUntil: lockedUntil)
    }

    /// When a lock starting at `now` ends: ``lockDuration`` after the whole second of `now` (so `retry_after`,
    /// rounded up, says exactly 900 at first and the lock is over once that many seconds have passed).
    static func lockEnd(from now: Date) -> Date {
        Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down) + lockDuration)
    }

    /// Deletes the user's factor `id` (its recovery codes go with it); false when absent.
    func delete(projectID: String, userID: String, id: String) async throws -> Bool {
        try await !database.query("""
            DELETE FROM \(schema).mfa_factors WHERE id = $1 AND project_id = $2 AND user_id = $3 RETURNING id
            """, [id, projectID, userID]).isEmpty
    }

    /// How long an unverified factor (an enrollment never finished) is kept.
    static let unverifiedLifetime: TimeInterval = 86_400

    /// Deletes factors still unverified ``unverifiedLifetime`` after they were created (housekeeping).
    func pruneUnverified(before now: Date) async throws {
        try await database.execute("""
            DELETE FROM \(schema).mfa_factors WHERE verified_at IS NULL AND created_at < $1
            """, [now.addingTimeInterval(-Self.unverifiedLifetime)])
    }

    /// Whether the user has a verified factor.
    func hasVerified(projectID: String, userID: String) async throws -> Bool {
        try await SessionIssuer.hasVerifiedFactor(projectID: projectID, userID: userID, in: database, schema: schema)
    }
}
