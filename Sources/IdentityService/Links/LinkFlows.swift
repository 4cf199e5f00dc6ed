import Contracts
import Foundation
import ServiceKit
import Wire

/// The one-time link flows: magic links, recovery and signup confirmation, each an email with a link
/// (`<site or redirect>?token=…&type=…`) and a 6-digit code, verified once into a session. A project with
/// neither a site URL nor a `redirect_to` in the request gets the code alone (the type's `….code` template).
///
/// ```swift
/// let links = LinkFlows(database: pool, schema: "identity", config: config.links, core: core,
///                       mailer: CommsLinkMailer(comms: comms), logger: logger)
/// _ = try await links.magicLink(EmailLinkRequest(email: "ana@example.com"), context)
/// let session = try await links.verify(VerifyRequest(type: "magiclink", token: token), context)
/// ```
///
/// Tokens (32 random bytes) and codes are stored only as hashes, are spent by one verify (concurrent
/// verifies: one wins), expire per type, and a code dies after ``IdentityLinkConfig/codeMaxGuesses`` wrong
/// guesses. Requests answer the same whether or not the account exists. Never logs a token, code or link.
final class LinkFlows: Sendable {
    let database: PostgresPool
    let schema: String
    let config: IdentityLinkConfig
    let core: IdentityCore
    let mailer: any LinkMailer
    let logger: Logger
    let tokens: OneTimeTokenStore
    /// Magic link and recovery requests per client address.
    let addresses: WindowLimiter
    /// Recovery emails still being sent after the answer (see ``waitForPendingEmails()``).
    let pending = PendingEmails()

    /// Creates the flows over the service's pool; `schema` holds ``IdentityLinkMigrations``'s tables.
    init(
        database: PostgresPool, schema: String, config: IdentityLinkConfig, core: IdentityCore,
        mailer: any LinkMailer, logger: Logger
    ) {
        self.database = database
        self.schema = schema
        self.config = config
        self.core = core
        self.mailer = mailer
        self.logger = logger
        self.tokens = OneTimeTokenStore(database: database, schema: schema)
        self.addresses = WindowLimiter(
            database: database, schema: schema, scope: .linkAddress, limit: config.addressRequestsPerHour, window: 3600,
            name: .address)
    }

    /// `identity.MagicLink`: emails a sign-in link and code, or the code alone when the project has no site
    /// URL and the request no `redirect_to` (202 `{}` whether or not the user exists; the user is created
    /// when the link or code is first used).
    /// - Throws: `VALIDATION_FAILED` (`email`, `redirect_to`), `RATE_LIMITED`, `unavailable` if the email
    ///   could not be handed to Comms (the send is then not counted).
    func magicLink(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty {
        let (projectID, email, base, settings) = try await prepare(request, context)
        let user = try await core.users.find(projectID: projectID, email: email)
        let issued = try await issue(
            .magiclink, projectID: projectID, email: email, userID: user?.id, base: base, settings: settings)
        try await deliver(issued, context: context)
        return Empty()
    }

    /// `identity.Recover`: emails a recovery link and code (or the code alone, as for a magic link) to a
    /// known user. An unknown email gets the same
    /// answer after the same database work (and counts against the same limits), but no email. The email
    /// itself is sent after answering, so the answer's timing does not tell whether the account exists.
    /// - Throws: `VALIDATION_FAILED` (`email`, `redirect_to`), `RATE_LIMITED`.
    func recover(_ request: EmailLinkRequest, _ context: CallContext) async throws -> Empty {
        let (projectID, email, base, settings) = try await prepare(request, context)
        let user = try await core.users.find(projectID: projectID, email: email)
        let issued = try await issue(
            .recovery, projectID: projectID, email: email, userID: user?.id, base: base, settings: settings,
            dead: user == nil)
        if user != nil { deliverLater(issued, context: context) }
        return Empty()
    }

    /// Emails `user` a signup confirmation link (to the project's site URL) and code, or the code alone
    /// when the project has no site URL. The core calls it when the project requires confirmation; the per-email limits do not
    /// apply (a user signs up once), but the send is counted.
    /// - Throws: `unavailable` if the email could not be handed to Comms.
    func sendSignupConfirmation(user: UserRecord, context: CallContext) async throws {
        let settings = try await core.settings.settings(projectID: user.projectID)
        let base = try LinkRedirect.base(requested: nil, settings: settings)
        let issued = try await issue(
            .signup, projectID: user.projectID, email: user.email, userID: user.id, base: base, settings: settings,
            limited: false)
        try await deliver(issued, context: context)
    }

    /// The project, the normalised email and the link's base (nil: code only); counts the request against the client
    /// address's limit. Validation comes first, so a bad request is refused without counting.
    private func prepare(
        _ request: EmailLinkRequest, _ context: CallContext
    ) async throws -> (projectID: String, email: String, base: String?, settings: IdentitySettings) {
        let projectID = try Self.projectID(context)
        let email = try IdentityEmail.normalize(request.email)
        let settings = try await core.settings.settings(projectID: projectID)
        let base = try LinkRedirect.base(requested: request.redirectTo, settings: settings)
        try await addresses.admit(projectID: projectID, key: context.clientAddress)
        return (projectID, email, base, settings)
    }

    /// The context's project.
    /// - Throws: `invalidArgument` for a call without one.
    static func projectID(_ context: CallContext) throws(WireError) -> String {
        guard let projectID = context.projectID, !projectID.isEmpty else {
            throw WireError(.invalidArgument, "The call names no project.")
        }
        return projectID
    }
}
