import Contracts
import Foundation
import ServiceKit
import Wire

/// Starts sessions: a session row, its first refresh token and an access token (JWT).
///
/// ```swift
/// let session = try await issuer.issue(for: user, method: .password, context: context)   // stamps last_sign_in_at
/// ```
final class SessionIssuer: Sendable {
    let database: PostgresPool
    let schema: String
    let keys: SigningKeyRing
    let settings: IdentitySettingsStore
    /// The JWT `iss`.
    let issuer: String
    /// How long a refresh token lives unused.
    let refreshLifetime: TimeInterval
    let clock: IdentityClock

    /// Creates the issuer.
    init(
        database: PostgresPool, schema: String, keys: SigningKeyRing, settings: IdentitySettingsStore,
        issuer: String, refreshLifetime: TimeInterval, clock: IdentityClock
    ) {
        self.database = database
        self.schema = schema
        self.keys = keys
        self.settings = settings
        self.issuer = issuer
        self.refreshLifetime = refreshLifetime
        self.clock = clock
    }

    /// Starts a new session for `user` (a sign-in by `method`): stamps `last_sign_in_at`, stores the hash of a
    /// new refresh token and signs an access token with the current key. The session is `aal1`; its token says
    /// `mfa: true` when the user has a verified factor (then it reaches only the MFA routes until verified).
    /// - Throws: `INVALID_TOKEN` if the user was deleted meanwhile.
    func issue(for user: UserRecord, method: AuthMethod, context: CallContext) async throws -> SessionView {
        let now = clock.now()
        let assurance = SessionAssurance.signIn(method, at: now)
        let lifetime = try await settings.settings(projectID: user.projectID).accessTokenLifetime
        let sessionID = RandomIdentifier.make("ses")
        let refresh = RefreshToken.generate()
        let accessExpiresAt = now.addingTimeInterval(TimeInterval(lifetime))
        let (signedIn, mfa) = try await database.withTransaction { tx -> (UserRecord, Bool) in
            let rows = try await tx.query("""
                UPDATE \(schema).users SET last_sign_in_at = $3 WHERE project_id = $1 AND id = $2
                RETURNING \(UserStore.columns)
                """, [user.projectID, user.id, now])
            guard let row = rows.first else { throw Self.userGone }
            try await tx.execute("""
                INSERT INTO \(schema).sessions (id, project_id, user_id, created_at, access_expires_at, aal, amr)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [sessionID, user.projectID, user.id, now, accessExpiresAt, assurance.aal, assurance.amrText])
            try await storeRefreshToken(refresh, sessionID: sessionID, projectID: user.projectID, now: now, in: tx)
            return (try UserStore.record(from: row), try await Self.hasVerifiedFactor(projectID: user.projectID, userID: user.id, in: tx, schema: schema))
        }
        return try await view(
            user: signedIn, sessionID: sessionID, refresh: refresh, lifetime: lifetime, now: now,
            assurance: assurance, mfa: mfa)
    }

    /// Stores the hash of `refresh`, a new live token of `sessionID` that lives ``refreshLifetime``.
    func storeRefreshToken(
        _ refresh: RefreshToken, sessionID: String, projectID: String, now: Date, in tx: PostgresTransaction
    ) async throws {
        try await tx.execute("""
            INSERT INTO \(schema).refresh_tokens (hash, session_id, project_id, created_at, expires_at)
            VALUES ($1, $2, $3, $4, $5)
            """, [refresh.hash, sessionID, projectID, now, now.addingTimeInterval(refreshLifetime)])
    }

    /// Whether `user` has a verified MFA factor (their `aal1` tokens then carry `mfa: true`).
    static func hasVerifiedFactor(
        projectID: String, userID: String, in tx: some PostgresClient, schema: String
    ) async throws -> Bool {
        try await tx.query("""
            SELECT EXISTS (SELECT 1 FROM \(schema).mfa_factors
                           WHERE project_id = $1 AND user_id = $2 AND verified_at IS NOT NULL)
            """, [projectID, userID])[0].decode(Bool.self, at: 0)
    }

    /// Signs an access token for `user` in `sessionID` (at `assurance`; `mfa`: the user has a verified factor)
    /// and wraps it with `refresh` into the contract's view.
    func view(
        user: UserRecord, sessionID: String, refresh: RefreshToken, lifetime: Int, now: Date,
        assurance: SessionAssurance, mfa: Bool
    ) async throws -> SessionView {
        let iat = Int(now.timeIntervalSince1970)
        let claims = JWTClaims(
            iss: issuer, sub: user.id, aud: user.projectID, exp: iat + lifetime, iat: iat, sid: sessionID,
            role: "authenticated", email: user.email, aal: assurance.aal, amr: assurance.amr, mfa: mfa ? true : nil)
        let accessToken = try await keys.sign(claims)
        return SessionView(
            accessToken: accessToken, expiresIn: lifetime,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(iat + lifetime)),
            refreshToken: refresh.text, user: user.view)
    }

    /// The error for a session whose user vanished.
    static let userGone = PublicError(.invalidToken, "The session is no longer valid.")
}
