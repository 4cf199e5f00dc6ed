import Contracts
import Foundation
import ServiceKit
import Wire

/// Issuing a token with its send, and handing the email to the mailer.
extension LinkFlows {
    /// A stored token and what its email carries.
    struct Issued: Sendable {
        var type: LinkType
        var projectID: String
        var email: String
        var userID: String?
        var tokenID: String
        var sendID: Int64
        /// Comms's template: the type's, or its code-only one when there is no link.
        var template: String
        /// The template's variables: `link` (absent when there is none), `code`, `email`, `expires_minutes`
        /// (secrets: never logged).
        var data: [String: String]
    }

    /// The lifetime of a `type` link in seconds: the project's effective setting (its own, else the
    /// configured default the settings store fills in).
    func lifetime(_ type: LinkType, _ settings: IdentitySettings) -> Int {
        switch type {
        case .magiclink: settings.magicLinkLifetime
        case .signup: settings.confirmationLifetime
        case .recovery: settings.recoveryLifetime
        }
    }

    /// Draws the secrets and stores the token with its send (under the per-email limits when `limited`).
    /// A nil `base` gives an email with the code only (``LinkType/codeOnlyTemplate``, no `link` variable).
    func issue(
        _ type: LinkType, projectID: String, email: String, userID: String?, base: String?,
        settings: IdentitySettings, dead: Bool = false, limited: Bool = true
    ) async throws -> Issued {
        let secret = LinkSecret.generate()
        let lifetime = lifetime(type, settings)
        let token = OneTimeTokenStore.NewToken(
            id: RandomIdentifier.make("ott"), projectID: projectID, type: type, email: email, userID: userID,
            tokenHash: secret.tokenHash, codeSalt: secret.codeSalt,
            codeHash: LinkSecret.codeHash(code: secret.code, salt: secret.codeSalt, key: config.codeKey?.value),
            redirectTo: base, lifetime: lifetime, dead: dead)
        let limits = OneTimeTokenStore.EmailLimits(perMinute: config.emailsPerMinute, perHour: config.emailsPerHour)
        let sendID = try await tokens.reserve(token, limits: limited ? limits : nil)
        var data = ["code": secret.code, "email": email, "expires_minutes": String((lifetime + 59) / 60)]
        data["link"] = base.map { LinkRedirect.link(base: $0, token: secret.token, type: type) }
        return Issued(
            type: type, projectID: projectID, email: email, userID: userID, tokenID: token.id, sendID: sendID,
            template: base == nil ? type.codeOnlyTemplate : type.template, data: data)
    }

    /// Hands the email to the mailer (idempotency key: the token id) and audits it. On failure the send is
    /// taken back (no longer counted, token dead) and `unavailable` is thrown.
    func deliver(_ issued: Issued, context: CallContext) async throws {
        do {
            try await mailer.send(
                template: issued.template, to: issued.email, data: issued.data, idempotencyKey: issued.tokenID,
                context: context)
        } catch {
            logger.warning("link email failed", metadata: metadata(issued, context, error: error))
            try? await tokens.release(sendID: issued.sendID, tokenID: issued.tokenID)
            throw WireError(.unavailable, "The email could not be sent; try again later.")
        }
        logger.info("link email sent", metadata: metadata(issued, context))
        await core.audit.record(
            projectID: issued.projectID, action: issued.type.sentAction, userID: issued.userID,
            ip: context.clientAddress, detail: nil)
    }

    /// Sends in the background after answering (recovery), with its own 30 s deadline.
    func deliverLater(_ issued: Issued, context: CallContext) {
        var context = context
        context.deadline = .now + .seconds(30)
        pending.start { [context] in
            try? await self.deliver(issued, context: context)
        }
    }

    /// Waits until the emails sent after answering have been handed over (tests; the graceful stop through
    /// ``LinkEmailDrain``). Returns at once when the calling task is cancelled (the drain timeout passed).
    func waitForPendingEmails() async {
        await pending.waitUntilIdle()
    }

    /// Ids and codes for a log line: never the token, code, link or template data.
    func metadata(_ issued: Issued, _ context: CallContext, error: (any Error)? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            .requestID: .string(context.requestID), .projectID: .string(issued.projectID),
            LogKey("link.type"): .string(issued.type.rawValue), LogKey("link.id"): .string(issued.tokenID),
        ]
        if let error { metadata[.errorType] = .errorType(error) }
        return metadata
    }
}
