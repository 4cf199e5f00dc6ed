import Foundation
import ServiceKit

/// The started sign-ins (`oauth_flows`) and the one-time auth codes handed to apps (`oauth_auth_codes`).
///
/// A flow is spent by the callback in one `UPDATE … WHERE used_at IS NULL AND expires_at > now RETURNING`, so of
/// two callbacks with one state exactly one proceeds. An auth code is spent the same way whatever the outcome of
/// its exchange (a wrong verifier spends it too, as the contract asks).
final class OAuthFlowStore: Sendable {
    let database: PostgresPool
    let schema: String

    /// How long a started sign-in may take (the contract's 10 min).
    static let flowLifetime: TimeInterval = 600
    /// How long an auth code lives (the contract's 5 min).
    static let codeLifetime: TimeInterval = 300

    /// A started sign-in.
    struct Flow: Sendable {
        let id: String
        let projectID: String
        let provider: SocialProvider
        let redirectTo: String
        let codeChallenge: String
        let providerVerifier: String
        let nonce: String
    }

    /// A spent auth code.
    struct SpentCode: Sendable {
        let userID: String
        let provider: String
        let codeChallenge: String
        let expired: Bool
    }

    init(database: PostgresPool, schema: String) {
        self.database = database
        self.schema = schema
    }

    /// Stores a new flow.
    func start(_ flow: Flow, now: Date) async throws {
        try await database.execute("""
            INSERT INTO \(schema).oauth_flows
                (id, project_id, provider, redirect_to, code_challenge, provider_verifier, nonce, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, [flow.id, flow.projectID, flow.provider.rawValue, flow.redirectTo, flow.codeChallenge,
                  flow.providerVerifier, flow.nonce, now, now.addingTimeInterval(Self.flowLifetime)])
    }

    /// Spends the live flow `id`; nil when it is unknown, used or expired.
    func spend(id: String, now: Date) async throws -> Flow? {
        guard let row = try await database.query("""
            UPDATE \(schema).oauth_flows SET used_at = $2
            WHERE id = $1 AND used_at IS NULL AND expires_at > $2
            RETURNING project_id, provider, redirect_to, code_challenge, provider_verifier, nonce
            """, [id, now]).first
        else { return nil }
        let (projectID, provider, redirectTo, challenge, verifier, nonce) =
            try row.decode((String, String, String, String, String, String).self)
        guard let provider = SocialProvider(rawValue: provider) else { return nil }
        return Flow(
            id: id, projectID: projectID, provider: provider, redirectTo: redirectTo, codeChallenge: challenge,
            providerVerifier: verifier, nonce: nonce)
    }

    /// Stores a new auth code (by hash) for `userID`; returns the code.
    func issueCode(projectID: String, userID: String, provider: SocialProvider, codeChallenge: String, now: Date) async throws -> String {
        let code = RefreshToken.generate()
        try await database.execute("""
            INSERT INTO \(schema).oauth_auth_codes
                (code_hash, project_id, user_id, provider, code_challenge, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [code.hash, projectID, userID, provider.rawValue, codeChallenge, now, now.addingTimeInterval(Self.codeLifetime)])
        return code.text
    }

    /// Spends the project's unspent code with `hash`, expired or not (the caller refuses an expired one).
    func spendCode(projectID: String, hash: [UInt8], now: Date) async throws -> SpentCode? {
        guard let row = try await database.query("""
            UPDATE \(schema).oauth_auth_codes SET used_at = $3
            WHERE code_hash = $1 AND project_id = $2 AND used_at IS NULL
            RETURNING user_id, provider, code_challenge, expires_at <= $3
            """, [hash, projectID, now]).first
        else { return nil }
        let (userID, provider, challenge, expired) = try row.decode((String, String, String, Bool).self)
        return SpentCode(userID: userID, provider: provider, codeChallenge: challenge, expired: expired)
    }

    /// Deletes flows and codes a day past their expiry (housekeeping).
    func prune(now: Date) async throws {
        let cutoff = now.addingTimeInterval(-86400)
        try await database.execute("DELETE FROM \(schema).oauth_flows WHERE expires_at < $1", [cutoff])
        try await database.execute("DELETE FROM \(schema).oauth_auth_codes WHERE expires_at < $1", [cutoff])
    }
}
