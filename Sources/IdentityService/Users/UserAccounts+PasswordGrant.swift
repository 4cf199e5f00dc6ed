import Contracts
import Foundation
import ServiceKit
import Wire

extension UserAccounts {
    /// `identity.PasswordGrant`: the same `INVALID_CREDENTIALS`, after the same KDF work, for an unknown
    /// email, a user without a password and a wrong password. A correct password stored with weaker
    /// parameters than configured is rehashed. When the project requires email confirmation, an unconfirmed
    /// user gets `INVALID_CREDENTIALS` too (after the check, audited as `login_failed` `email not confirmed`).
    ///
    /// Before any KDF work the grant is counted against its client address and its normalised email
    /// (``PasswordGrantLimiter``); over a limit it is refused with `RATE_LIMITED` (`retry_after`, `limit`
    /// `password_per_address` or `password_per_email`), the same for existing and unknown emails, and
    /// audited as `login_rate_limited` with the limit as detail. Only a grant that signs in is taken back
    /// from the email's count, so it counts failures.
    func passwordGrant(_ request: PasswordGrantRequest, _ context: CallContext) async throws -> SessionView {
        let projectID = try IdentityContext.project(context)
        let email = try? IdentityEmail.normalize(request.email)
        let admission: PasswordGrantLimiter.Admission
        do {
            admission = try await limits.admit(projectID: projectID, email: email, address: context.clientAddress)
        } catch {
            if let limit = AuthLimit.named(in: error) {
                await core.audit.record(
                    projectID: projectID, action: "login_rate_limited", userID: nil, ip: context.clientAddress,
                    detail: limit.rawValue)
            }
            throw error
        }
        guard let email, request.password.utf8.count <= PasswordPolicy.maximumBytes else {
            try await passwords.burn(String(decoding: request.password.utf8.prefix(PasswordPolicy.maximumBytes), as: UTF8.self))
            await core.audit.record(
                projectID: projectID, action: "login_failed", userID: nil, ip: context.clientAddress, detail: "malformed input")
            throw Self.invalidCredentials
        }
        let rows = try await database.query(
            "SELECT \(UserStore.columns), password_hash FROM \(schema).users WHERE project_id = $1 AND email = $2",
            [projectID, email])
        let user = try rows.first.map(UserStore.record(from:))
        let stored = try rows.first?.decode(String?.self, named: "password_hash")
        guard case .match(let needsRehash) = try await passwords.verify(request.password, against: stored), let user else {
            await core.audit.record(
                projectID: projectID, action: "login_failed", userID: user?.id, ip: context.clientAddress,
                detail: user == nil ? "unknown email" : "wrong password")
            throw Self.invalidCredentials
        }
        // Still counted as a failure: otherwise the limit would tell a right password of an unconfirmed user.
        if try await core.settings.settings(projectID: projectID).confirmEmail, user.emailConfirmedAt == nil {
            await core.audit.record(
                projectID: projectID, action: "login_failed", userID: user.id, ip: context.clientAddress,
                detail: "email not confirmed")
            throw Self.invalidCredentials
        }
        if needsRehash, let stored {
            let upgraded = try await passwords.hash(request.password)
            try await database.execute("""
                UPDATE \(schema).users SET password_hash = $4 WHERE project_id = $1 AND id = $2 AND password_hash = $3
                """, [projectID, user.id, stored, upgraded])
        }
        let session = try await core.sessions.issue(for: user, method: .password, context: context)
        await limits.succeeded(admission)
        await core.audit.record(projectID: projectID, action: "login", userID: user.id, ip: context.clientAddress, detail: "password")
        return session
    }

    /// 401 `INVALID_CREDENTIALS`, the same for every way a password grant fails.
    static let invalidCredentials = PublicError(.invalidCredentials, "The email or password is wrong.")
}
