import Contracts
import Foundation
import ServiceKit

extension SessionIssuer {
    /// The stored assurance of the user's live session `sessionID`; nil when it is revoked, unknown or another
    /// user's.
    func assurance(projectID: String, userID: String, sessionID: String) async throws -> SessionAssurance? {
        guard let row = try await database.query("""
            SELECT aal, amr FROM \(schema).sessions
            WHERE id = $1 AND project_id = $2 AND user_id = $3 AND revoked_at IS NULL
            """, [sessionID, projectID, userID]).first else { return nil }
        let (aal, amr) = try row.decode((String, String).self)
        return SessionAssurance(aal: aal, amrText: amr)
    }

    /// Raises the user's session `sessionID` to `aal2` after a second factor (`method`): the row records the
    /// level and the method (so refreshes keep it), the session's refresh tokens are replaced by a new one
    /// (an `aal1` refresh token never yields an `aal2` token), and a new access token is signed.
    /// - Throws: `INVALID_TOKEN` when the session is revoked, unknown or another user's.
    func elevate(projectID: String, userID: String, sessionID: String, by method: AuthMethod) async throws -> SessionView {
        let now = clock.now()
        let lifetime = try await settings.settings(projectID: projectID).accessTokenLifetime
        let refresh = RefreshToken.generate()
        let (user, assurance) = try await database.withTransaction { tx -> (UserRecord, SessionAssurance) in
            guard let row = try await tx.query("""
                SELECT aal, amr FROM \(schema).sessions
                WHERE id = $1 AND project_id = $2 AND user_id = $3 AND revoked_at IS NULL FOR UPDATE
                """, [sessionID, projectID, userID]).first else { throw IdentityContext.invalidToken }
            let (aal, amr) = try row.decode((String, String).self)
            let assurance = SessionAssurance(aal: aal, amrText: amr).elevated(by: method, at: now)
            try await tx.execute("""
                UPDATE \(schema).sessions SET aal = $2, amr = $3, access_expires_at = greatest(access_expires_at, $4)
                WHERE id = $1
                """, [sessionID, assurance.aal, assurance.amrText, now.addingTimeInterval(TimeInterval(lifetime))])
            try await tx.execute("DELETE FROM \(schema).refresh_tokens WHERE session_id = $1", [sessionID])
            try await storeRefreshToken(refresh, sessionID: sessionID, projectID: projectID, now: now, in: tx)
            let users = try await tx.query(
                "SELECT \(UserStore.columns) FROM \(schema).users WHERE project_id = $1 AND id = $2", [projectID, userID])
            guard let user = try users.first.map(UserStore.record(from:)) else { throw Self.userGone }
            return (user, assurance)
        }
        let mfa = try await Self.hasVerifiedFactor(projectID: projectID, userID: userID, in: database, schema: schema)
        return try await view(
            user: user, sessionID: sessionID, refresh: refresh, lifetime: lifetime, now: now, assurance: assurance, mfa: mfa)
    }
}
