import Contracts
import ServiceKit
import Wire

/// Serves every method of ``CommsContract`` over Wire. Each call acts for `CallContext.projectID`
/// (required, else `invalidArgument`), and every query is scoped by it: another project's ids look absent
/// (`NOT_FOUND`). ``MailValidationError``s become 400 `VALIDATION_FAILED` naming the field.
///
/// ```swift
/// let wire = try context.serveWire(config.wire, drainTimeout: config.drainTimeout) { server in
///     handlers.register(on: server)
/// }
/// ```
struct CommsHandlers: Sendable {
    /// Accepts emails into the outbox.
    let acceptor: EmailAcceptor
    /// The tables.
    let store: CommsStore
    /// Seals projects' relay URLs.
    let sealer: RelaySealer
    /// What a project's relay may be (checked when saved).
    let relayRules: ProjectRelayRules
    /// The projects' sender domains.
    let domains: SenderDomains
    /// Who a project may send as (checks `default_from`).
    let senders: SenderPolicy
    /// Webhook endpoints, deliveries and emitted events.
    let webhooks: WebhookEndpoints
    /// The WhatsApp channel (``CommsHandlers+WhatsApp``).
    var whatsapp: WhatsAppChannel? = nil

    /// Registers every comms method on `server`.
    func register(on server: WireServer) {
        server.register(CommsContract.sendEmail) { request, context in
            try await Self.run { try await acceptor.accept(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.sendTemplatedEmail) { request, context in
            try await Self.run { try await acceptor.accept(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.getMessage) { request, context in
            try await Self.run { try await getMessage(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.listMessages) { request, context in
            try await Self.run { try await listMessages(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.createTemplate) { request, context in
            try await Self.run { try await createTemplate(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.listTemplates) { request, context in
            try await Self.run { try await listTemplates(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.listSuppressions) { request, context in
            try await Self.run { try await store.listSuppressions(projectID: try Self.project(context), page: request) }
        }
        server.register(CommsContract.deleteSuppression) { request, context in
            try await Self.run { try await deleteSuppression(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.getSettings) { _, context in
            try await Self.run { try await store.settings(projectID: try Self.project(context)).view }
        }
        server.register(CommsContract.updateSettings) { request, context in
            try await Self.run { try await updateSettings(request, projectID: try Self.project(context)) }
        }
        server.register(CommsContract.recordDeliveryEvent) { request, _ in
            try await Self.run { try await recordDeliveryEvent(request) }
        }
        registerDomains(on: server)
        registerWebhooks(on: server)
        registerWhatsApp(on: server)
    }

    /// The call's project, or `invalidArgument`.
    static func project(_ context: CallContext) throws(WireError) -> String {
        guard let projectID = context.projectID, !projectID.isEmpty else {
            throw WireError(.invalidArgument, "The call does not name a project.")
        }
        return projectID
    }

    /// Runs a handler body, turning a ``MailValidationError`` into its public Wire error.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as MailValidationError {
            throw error.publicError
        }
    }
}
