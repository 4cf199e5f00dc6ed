import Contracts
import Foundation
import ServiceKit
import Wire

/// The `one_time_tokens` and `email_sends` tables: issuing a token together with its send (under the
/// per-email limits), taking a failed send back, and spending a token by its hash or by its code.
struct OneTimeTokenStore: Sendable {
    let database: PostgresPool
    let schema: String

    /// A new token row to store.
    struct NewToken: Sendable {
        /// `ott_…`: also the email's idempotency key.
        var id: String
        var projectID: String
        var type: LinkType
        /// The normalised email.
        var email: String
        var userID: String?
        var tokenHash: [UInt8]
        var codeSalt: [UInt8]
        var codeHash: [UInt8]
        var redirectTo: String?
        /// Seconds until it expires.
        var lifetime: Int
        /// Stored already spent (a recovery for an unknown email does the same work but sends nothing).
        var dead: Bool
    }

    /// A spent token: whom it was for.
    struct Spent: Sendable, Hashable {
        var id: String
        var email: String
        var userID: String?
    }

    /// The per-email limits (0: off).
    struct EmailLimits: Sendable {
        var perMinute: Int
        var perHour: Int
    }

    /// Stores `token` and one send of its flow to its email, unless the email's sends in the last minute or
    /// hour reach `limits` (then `RATE_LIMITED`, nothing stored). Serialised per (project, flow, email).
    /// Returns the send's id (for ``release(sendID:tokenID:)``).
    func reserve(_ token: NewToken, limits: EmailLimits?) async throws -> Int64 {
        let flow = token.type.rawValue
        let outcome = try await database.withTransaction { tx -> Result<Int64, PublicError> in
            try await tx.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                ["links.email:\(token.projectID):\(flow):\(token.email)"])
            try await tx.execute("""
                DELETE FROM \(schema).email_sends
                WHERE project_id = $1 AND email = $2 AND flow = $3 AND at <= now() - interval '1 hour'
                """, [token.projectID, token.email, flow])
            if let limits, let refusal = try await Self.limitMet(
                tx, schema: schema, projectID: token.projectID, email: token.email, flow: flow, limits: limits)
            {
                return .failure(refusal)
            }
            try await tx.execute("""
                DELETE FROM \(schema).one_time_tokens
                WHERE project_id = $1 AND type = $2 AND email = $3 AND expires_at < now() - interval '1 day'
                """, [token.projectID, flow, token.email])
            try await tx.execute("""
                INSERT INTO \(schema).one_time_tokens (id, project_id, type, email, user_id, token_hash, code_salt,
                    code_hash, redirect_to, expires_at, consumed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + $10::integer * interval '1 second',
                    CASE WHEN $11 THEN now() END)
                """, [
                    token.id, token.projectID, flow, token.email, token.userID, token.tokenHash, token.codeSalt,
                    token.codeHash, token.redirectTo, token.lifetime, token.dead,
                ])
            let row = try await tx.query("""
                INSERT INTO \(schema).email_sends (project_id, email, flow) VALUES ($1, $2, $3) RETURNING id
                """, [token.projectID, token.email, flow]).first
            guard let row else { throw PostgresError(.unexpectedResult) }
            return .success(try row.decode(Int64.self, at: 0))
        }
        return try outcome.get()
    }

    /// The refusal when the email's recent sends reach a limit, else nil.
    private static func limitMet(
        _ tx: PostgresTransaction, schema: String, projectID: String, email: String, flow: String, limits: EmailLimits
    ) async throws -> PublicError? {
        let row = try await tx.query("""
            SELECT count(*) FILTER (WHERE at > now() - interval '60 seconds')::bigint,
                   coalesce(ceil(extract(epoch FROM min(at) FILTER (WHERE at > now() - interval '60 seconds')
                       + interval '60 seconds' - now())), 0)::bigint,
                   count(*)::bigint,
                   coalesce(ceil(extract(epoch FROM min(at) + interval '1 hour' - now())), 0)::bigint
            FROM \(schema).email_sends
            WHERE project_id = $1 AND email = $2 AND flow = $3 AND at > now() - interval '1 hour'
            """, [projectID, email, flow]).first
        let (minuteCount, minuteWait, hourCount, hourWait) = try row?.decode((Int, Int, Int, Int).self) ?? (0, 0, 0, 0)
        if limits.perMinute > 0, minuteCount >= limits.perMinute {
            return AuthLimit.emailPerMinute.refusal(retryAfter: minuteWait)
        }
        if limits.perHour > 0, hourCount >= limits.perHour {
            return AuthLimit.emailPerHour.refusal(retryAfter: hourWait)
        }
        return nil
    }

    /// Takes back a send that failed: it no longer counts against the limits, and its token dies.
    func release(sendID: Int64, tokenID: String) async throws {
        try await database.withTransaction { tx in
            try await tx.execute("DELETE FROM \(schema).email_sends WHERE id = $1", [sendID])
            try await tx.execute(
                "UPDATE \(schema).one_time_tokens SET consumed_at = coalesce(consumed_at, now()) WHERE id = $1",
                [tokenID])
        }
    }

    /// Spends the live token of `type` in the project whose token hashes to `tokenHash`; nil if there is none
    /// (used, expired, unknown, another project's or type's). Atomic: of concurrent calls, one gets it.
    func spend(projectID: String, type: LinkType, tokenHash: [UInt8]) async throws -> Spent? {
        let row = try await database.query("""
            UPDATE \(schema).one_time_tokens SET consumed_at = now()
            WHERE project_id = $1 AND type = $2 AND token_hash = $3 AND consumed_at IS NULL AND expires_at > now()
            RETURNING id, email, user_id
            """, [projectID, type.rawValue, tokenHash]).first
        guard let row else { return nil }
        let (id, email, userID) = try row.decode((String, String, String?).self)
        return Spent(id: id, email: email, userID: userID)
    }

    /// Spends the newest live token of `type` for `email` if `matches` accepts its code's salt and hash;
    /// otherwise counts a wrong guess, which at `maxGuesses` kills the token. Nil when no live token or wrong.
    func spend(
        projectID: String, type: LinkType, email: String, maxGuesses: Int,
        matches: @Sendable (_ salt: [UInt8], _ hash: [UInt8]) -> Bool
    ) async throws -> Spent? {
        try await database.withTransaction { tx -> Spent? in
            let row = try await tx.query("""
                SELECT id, email, user_id, code_salt, code_hash FROM \(schema).one_time_tokens
                WHERE project_id = $1 AND type = $2 AND email = $3 AND consumed_at IS NULL AND expires_at > now()
                ORDER BY created_at DESC, id DESC LIMIT 1
                FOR UPDATE
                """, [projectID, type.rawValue, email]).first
            guard let row else { return nil }
            let (id, email, userID, salt, hash) = try row.decode((String, String, String?, [UInt8], [UInt8]).self)
            if matches(salt, hash) {
                try await tx.execute(
                    "UPDATE \(schema).one_time_tokens SET consumed_at = now() WHERE id = $1", [id])
                return Spent(id: id, email: email, userID: userID)
            }
            try await tx.execute("""
                UPDATE \(schema).one_time_tokens SET wrong_guesses = wrong_guesses + 1,
                    consumed_at = CASE WHEN wrong_guesses + 1 >= $2 THEN now() END
                WHERE id = $1
                """, [id, maxGuesses])
            return nil
        }
    }
}
