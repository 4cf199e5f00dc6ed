import Contracts
import Foundation
import ServiceKit
import Wire

/// `identity.RefreshGrant`: spends a refresh token for its successor in the same session.
///
/// The session row is locked (`SELECT … FOR UPDATE`), so refreshes of one session run one at a time. A
/// spent token keeps, for ``grace`` only, its successor's hash and a sealed copy of the successor token
/// (AES-256-GCM under the master key, the session id as associated data): a racing request with the same
/// spent token (two tabs, a retry after a lost answer) gets the very same successor, never a second live
/// token. Later reuse is treated as theft: the session is revoked and `REFRESH_TOKEN_REUSED` answered.
final class RefreshRotation: Sendable {
    let database: PostgresPool
    let schema: String
    let issuer: SessionIssuer
    let revoker: SessionRevoker
    let audit: AuditLog
    private let masterKey: [UInt8]
    /// How long a spent token still yields its successor.
    let grace: TimeInterval

    /// Creates the rotation; `masterKey` must be 32 bytes.
    init(
        database: PostgresPool, schema: String, issuer: SessionIssuer, revoker: SessionRevoker, audit: AuditLog,
        masterKey: [UInt8], grace: TimeInterval
    ) {
        self.database = database
        self.schema = schema
        self.issuer = issuer
        self.revoker = revoker
        self.audit = audit
        self.masterKey = masterKey
        self.grace = grace
    }

    /// What the locked transaction decided.
    private enum Outcome: Sendable {
        case invalid
        case reused(userID: String, sessionID: String)
        case issued(user: UserRecord, sessionID: String, successor: RefreshToken, assurance: SessionAssurance, mfa: Bool)
    }

    /// Spends `request.refreshToken` and returns the next session view.
    /// - Throws: `INVALID_TOKEN` (unknown, expired, revoked, another project's), `REFRESH_TOKEN_REUSED`.
    func refresh(_ request: RefreshGrantRequest, _ context: CallContext) async throws -> SessionView {
        let projectID = try IdentityContext.project(context)
        guard RefreshToken.isWellFormed(request.refreshToken) else { throw Self.invalidRefreshToken }
        let presented = RefreshToken(text: request.refreshToken).hash
        let lifetime = try await issuer.settings.settings(projectID: projectID).accessTokenLifetime
        let now = issuer.clock.now()
        let outcome = try await database.withTransaction { tx -> Outcome in
            let found = try await tx.query(
                "SELECT session_id FROM \(schema).refresh_tokens WHERE hash = $1 AND project_id = $2",
                [presented, projectID])
            guard let sessionID = try found.first?.decode(String.self, at: 0) else { return .invalid }
            // Every change to a session's tokens happens under this lock.
            let sessions = try await tx.query("""
                SELECT user_id, revoked_at, aal, amr FROM \(schema).sessions WHERE id = $1 AND project_id = $2 FOR UPDATE
                """, [sessionID, projectID])
            guard let session = sessions.first else { return .invalid }
            let (userID, revokedAt, aal, amr) = try session.decode((String, Date?, String, String).self)
            guard revokedAt == nil else { return .invalid }
            let tokens = try await tx.query("""
                SELECT expires_at, spent_at, successor_sealed FROM \(schema).refresh_tokens WHERE hash = $1
                """, [presented])
            guard let token = tokens.first else { return .invalid }
            let (expiresAt, spentAt, sealed) = try token.decode((Date, Date?, [UInt8]?).self)
            let successor: RefreshToken
            if let spentAt {
                guard now.timeIntervalSince(spentAt) <= grace, let sealed else {
                    try await revoker.revokeSession(projectID: projectID, sessionID: sessionID, in: tx)
                    return .reused(userID: userID, sessionID: sessionID)
                }
                let text = try AES256GCM.open(sealed, key: masterKey, authenticating: Array(sessionID.utf8))
                successor = RefreshToken(text: String(decoding: text, as: UTF8.self))
            } else {
                guard expiresAt > now else { return .invalid }
                successor = RefreshToken.generate()
                let sealedSuccessor = try AES256GCM.seal(
                    successor.text, key: masterKey, authenticating: Array(sessionID.utf8))
                try await tx.execute("""
                    UPDATE \(schema).refresh_tokens SET spent_at = $2, successor_hash = $3, successor_sealed = $4
                    WHERE hash = $1
                    """, [presented, now, successor.hash, sealedSuccessor])
                try await issuer.storeRefreshToken(successor, sessionID: sessionID, projectID: projectID, now: now, in: tx)
            }
            try await tx.execute("""
                UPDATE \(schema).sessions SET access_expires_at = greatest(access_expires_at, $2) WHERE id = $1
                """, [sessionID, now.addingTimeInterval(TimeInterval(lifetime))])
            let users = try await tx.query(
                "SELECT \(UserStore.columns) FROM \(schema).users WHERE project_id = $1 AND id = $2", [projectID, userID])
            guard let user = try users.first.map(UserStore.record(from:)) else { return .invalid }
            // The session keeps its level; `mfa` is read afresh (a factor verified in another session since).
            let mfa = try await SessionIssuer.hasVerifiedFactor(projectID: projectID, userID: userID, in: tx, schema: schema)
            return .issued(
                user: user, sessionID: sessionID, successor: successor,
                assurance: SessionAssurance(aal: aal, amrText: amr), mfa: mfa)
        }
        switch outcome {
        case .invalid:
            throw Self.invalidRefreshToken
        case .reused(let userID, let sessionID):
            await audit.record(
                projectID: projectID, action: "refresh_reuse", userID: userID, ip: context.clientAddress,
                detail: "session \(sessionID) revoked")
            throw PublicError(
                .refreshTokenReused, "The refresh token was already used; the session has been ended.")
        case .issued(let user, let sessionID, let successor, let assurance, let mfa):
            return try await issuer.view(
                user: user, sessionID: sessionID, refresh: successor, lifetime: lifetime, now: now,
                assurance: assurance, mfa: mfa)
        }
    }

    /// 401 `INVALID_TOKEN` for a refresh token that is unknown, expired, or of a revoked session.
    static let invalidRefreshToken = PublicError(.invalidToken, "The refresh token is invalid or expired.")
}
