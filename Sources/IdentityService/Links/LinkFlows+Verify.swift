import Contracts
import Foundation
import ServiceKit
import Wire

/// `identity.Verify`: spending a token or a code, then the type's effect and a session.
extension LinkFlows {
    /// The one answer for a used, expired, unknown or wrong token or code (the same whether or not the
    /// account exists).
    static let invalidToken = PublicError(.invalidToken, "The link or code is invalid or has expired.")

    /// `identity.Verify`: spends a token (`type`, `token`) or a code (`type`, `email`, `code`) into a
    /// session. A magic link finds or creates the (confirmed) user; a signup link confirms the email; a
    /// recovery link signs in (the client then sets a new password). Both confirm the email.
    /// - Throws: `INVALID_TOKEN` if used, expired or unknown (a wrong code also counts a guess);
    ///   `VALIDATION_FAILED` (`type`, `token`, `email`) for a malformed request.
    func verify(_ request: VerifyRequest, _ context: CallContext) async throws -> SessionView {
        let projectID = try Self.projectID(context)
        guard let type = LinkType(rawValue: request.type) else {
            throw PublicError.validation("type", "The type must be magiclink, signup or recovery.")
        }
        let spent: OneTimeTokenStore.Spent?
        if let token = request.token {
            guard LinkSecret.isWellFormedToken(token) else { throw Self.invalidToken }
            spent = try await tokens.spend(projectID: projectID, type: type, tokenHash: LinkSecret.tokenHash(token))
        } else if let rawEmail = request.email, let code = request.code {
            let email = try IdentityEmail.normalize(rawEmail)
            guard LinkSecret.isWellFormedCode(code) else { throw Self.invalidToken }
            let key = config.codeKey?.value
            spent = try await tokens.spend(
                projectID: projectID, type: type, email: email, maxGuesses: config.codeMaxGuesses
            ) { salt, hash in
                ConstantTime.equals(LinkSecret.codeHash(code: code, salt: salt, key: key), hash)
            }
        } else {
            throw PublicError.validation("token", "Pass a token, or an email and a code.")
        }
        guard let spent else {
            logger.info("link verify refused", metadata: [
                .requestID: .string(context.requestID), .projectID: .string(projectID),
                LogKey("link.type"): .string(type.rawValue),
            ])
            throw Self.invalidToken
        }
        let user = try await signIn(type, spent, projectID: projectID)
        await core.audit.record(
            projectID: projectID, action: type.usedAction, userID: user.id, ip: context.clientAddress, detail: nil)
        logger.info("link used", metadata: [
            .requestID: .string(context.requestID), .projectID: .string(projectID),
            LogKey("link.type"): .string(type.rawValue), LogKey("link.id"): .string(spent.id),
        ])
        return try await core.sessions.issue(for: user, method: type.authMethod, context: context)
    }

    /// The user a spent token signs in, its email now confirmed.
    /// - Throws: `INVALID_TOKEN` if a signup or recovery token's user is gone.
    private func signIn(_ type: LinkType, _ spent: OneTimeTokenStore.Spent, projectID: String) async throws -> UserRecord {
        var user: UserRecord
        switch type {
        case .magiclink:
            user = try await core.users.createPasswordless(projectID: projectID, email: spent.email, confirmed: true)
        case .signup, .recovery:
            guard let id = spent.userID, let found = try await core.users.find(projectID: projectID, id: id),
                  found.email == spent.email
            else { throw Self.invalidToken }
            user = found
        }
        if user.emailConfirmedAt == nil {
            let now = Date()
            try await core.users.confirmEmail(projectID: projectID, userID: user.id, at: now)
            user.emailConfirmedAt = now
            if type != .signup {
                await core.audit.record(
                    projectID: projectID, action: "email_confirmed", userID: user.id, ip: nil, detail: type.rawValue)
            }
        }
        return user
    }
}
