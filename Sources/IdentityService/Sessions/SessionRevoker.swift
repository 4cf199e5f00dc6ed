import Contracts
import Foundation
import ServiceKit
import Wire

/// Ends sessions and feeds the Routers' denylists.
///
/// Revoking stamps `sessions.revoked_at` (refresh tokens stop working) and appends one `revocations` row per
/// session, kept until the session's last access token expires; Routers poll ``revoked(after:)``. Inserts
/// take a transaction-level advisory lock, so sequence numbers become visible in commit order and a poller's
/// cursor never skips a late commit.
final class SessionRevoker: Sendable {
    let database: PostgresPool
    let schema: String
    let clock: IdentityClock
    /// The most rows one poll returns.
    static let pageLimit = 5000

    /// Creates the revoker over `schema`.
    init(database: PostgresPool, schema: String, clock: IdentityClock) {
        self.database = database
        self.schema = schema
        self.clock = clock
    }

    /// Revokes one live session of the project inside `tx`; returns how many sessions were revoked (0 or 1).
    @discardableResult
    func revokeSession(projectID: String, sessionID: String, in tx: PostgresTransaction) async throws -> Int {
        try await revoke(where: "project_id = $1 AND id = $2", [projectID, sessionID], in: tx)
    }

    /// Revokes every live session of a user inside `tx`; returns how many.
    @discardableResult
    func revokeUser(projectID: String, userID: String, in tx: PostgresTransaction) async throws -> Int {
        try await revoke(where: "project_id = $1 AND user_id = $2", [projectID, userID], in: tx)
    }

    /// Revokes every live session of a user but `keptSessionID` inside `tx` (a password change); returns how many.
    @discardableResult
    func revokeUser(
        projectID: String, userID: String, keeping keptSessionID: String, in tx: PostgresTransaction
    ) async throws -> Int {
        try await revoke(
            where: "project_id = $1 AND user_id = $2 AND id <> $3", [projectID, userID, keptSessionID], in: tx)
    }

    private func revoke(where condition: String, _ parameters: [any PostgresEncodable], in tx: PostgresTransaction) async throws -> Int {
        let now = clock.now()
        // Row locks first, the advisory lock last: a refresh holds its session's row lock and may then revoke
        // (advisory lock), so taking them in the other order could deadlock with it.
        _ = try await tx.query(
            "SELECT id FROM \(schema).sessions WHERE \(condition) AND revoked_at IS NULL ORDER BY id FOR UPDATE", parameters)
        _ = try await tx.query("SELECT pg_advisory_xact_lock($1)", [revocationLockKey])
        let at = "$\(parameters.count + 1)"
        return try await tx.execute("""
            WITH revoked AS (
                UPDATE \(schema).sessions SET revoked_at = \(at) WHERE \(condition) AND revoked_at IS NULL
                RETURNING id, project_id, access_expires_at
            )
            INSERT INTO \(schema).revocations (session_id, project_id, revoked_at, until)
            SELECT id, project_id, \(at), greatest(access_expires_at, \(at)) FROM revoked
            """, parameters + [now])
    }

    /// Revocations after `cursor` whose tokens may still be live (cursor 0: all of them), oldest first.
    func revoked(after cursor: Int64) async throws -> RevokedSessionsResponse {
        let rows = try await database.query("""
            SELECT seq, session_id, until FROM \(schema).revocations
            WHERE seq > $1 AND until > $2 ORDER BY seq LIMIT $3
            """, [cursor, clock.now(), Self.pageLimit])
        var sessions: [RevokedSession] = []
        var next = cursor
        for row in rows {
            let (seq, sessionID, until) = try row.decode((Int64, String, Date).self)
            sessions.append(RevokedSession(sessionID: sessionID, until: until))
            next = max(next, seq)
        }
        return RevokedSessionsResponse(sessions: sessions, cursor: next)
    }

    /// Drops revocations whose tokens have all expired; returns how many.
    @discardableResult
    func prune() async throws -> Int {
        try await database.execute("DELETE FROM \(schema).revocations WHERE until <= $1", [clock.now()])
    }

    /// The advisory lock key serialising revocation inserts: FNV-1a of `purrpurr.identity.revocations:<schema>`.
    private var revocationLockKey: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "purrpurr.identity.revocations:\(schema)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
