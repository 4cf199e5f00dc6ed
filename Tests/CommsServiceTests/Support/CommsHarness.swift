import Contracts
import Foundation
import Synchronization
import ServiceKit
import Testing
import Wire
@testable import CommsService

/// One CommsService for a test, without Wire: its own schema (migrated), pool, the handlers, and outbox
/// replicas run in their own service groups. Each test makes its own; nothing is shared.
final class CommsHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let disabledReason: Comment = "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"
    static let masterKey = Data((0..<32).map { UInt8($0) }).base64EncodedString()
    static let project = "prj_a"

    let pool: PostgresPool
    let schema: String
    let config: CommsServiceConfig
    let components: CommsComponents
    let logs = InMemoryLogHandler()

    /// The environment every harness reads: seconds-long retries, 50 ms polling.
    static func environment(smtpPort: Int, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": databaseURL ?? "postgres://localhost/none", "MESH_CA_PATH": #filePath,
            "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath,
            "SMTP_URL": "smtp://127.0.0.1:\(smtpPort)?tls=none", "COMMS_MASTER_KEY": masterKey,
            "COMMS_DEFAULT_FROM": "Purrpurr <noreply@purrpurr.test>", "COMMS_MESSAGE_ID_DOMAIN": "mail.purrpurr.test",
            "COMMS_RETRY_SCHEDULE": "300ms,300ms,300ms", "COMMS_POLL_INTERVAL_MS": "50", "COMMS_LEASE_SECONDS": "5",
        ].merging(extra) { $1 }
    }

    /// A harness on a new schema (or `schema`, to share one with another harness).
    init(
        smtpPort: Int = 1, environment extra: [String: String] = [:], schema: String? = nil,
        transport: (any MailTransport)? = nil, smtp: SMTPClientConfiguration? = nil,
        relayGuard: OutboundGuard? = nil, poolSize: Int = 6, databaseURL: String? = nil
    ) async throws {
        let schema = schema ?? "comms_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        var config = try CommsServiceConfig(environment: Self.environment(smtpPort: smtpPort, extra))
        if let relayGuard { config.relayGuard = relayGuard }
        var configuration = try PostgresConfiguration(url: databaseURL ?? Self.databaseURL ?? "")
        configuration.maxConnections = poolSize
        let pool = PostgresPool(configuration: configuration)
        try await Migrator(schema: schema, migrations: CommsServiceMigrations.steps(schema: schema)).migrate(on: pool)
        var transport = transport
        if transport == nil, let smtp {
            transport = SMTPMailTransport(
                client: SMTPClient(group: try ServiceContext.sharedEventLoopGroup(), configuration: smtp),
                platformRelay: config.smtpRelay, projectRelays: ProjectRelayRules(outbound: config.relayGuard))
        }
        self.pool = pool
        self.schema = schema
        self.config = config
        self.components = try CommsComponents(
            config: config, pool: pool, schema: schema, logger: Logger(handler: logs), transport: transport)
    }

    var store: CommsStore { components.store }
    var handlers: CommsHandlers { components.handlers }

    /// Starts the outbox workers in a service group; stop them with ``RunningOutbox/stop()``.
    func startOutbox() -> RunningOutbox {
        RunningOutbox(outbox: components.outbox, logger: Logger(handler: logs))
    }

    /// Starts the webhook workers in a service group; stop them with ``RunningOutbox/stop()``.
    func startWebhooks() -> RunningOutbox {
        RunningOutbox(outbox: components.webhookOutbox, logger: Logger(handler: logs))
    }

    /// Sends `request` for `project`.
    func send(_ request: SendEmailRequest, project: String = CommsHarness.project) async throws -> SendEmailResponse {
        try await CommsHandlers.run { try await handlers.acceptor.accept(request, projectID: project) }
    }

    /// The message as its project sees it.
    func message(_ id: String, project: String = CommsHarness.project) async throws -> MessageView {
        try await handlers.getMessage(MessageIDRequest(id: id), projectID: project)
    }

    /// Polls until the message reaches `status`; returns its view (the last one seen after `timeout`).
    func waitFor(_ id: String, status: String, project: String = CommsHarness.project, timeout: Duration = .seconds(15))
        async throws -> MessageView
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            let view = try await message(id, project: project)
            if view.status == status || ContinuousClock.now >= deadline { return view }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    func close() async {
        await pool.close()
    }
}

/// An outbox replica (email or webhooks) running in its own ``ServiceGroup`` (so it drains as in production).
final class RunningOutbox: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    init(outbox: any Service, logger: Logger) {
        let (signals, _) = AsyncStream.makeStream(of: UnixSignal.self)
        let group = ServiceGroup(services: [outbox], signals: signals, drainTimeout: .seconds(10), logger: logger)
        self.group = group
        self.task = Task { try? await group.run() }
    }

    /// Asks for a graceful shutdown and waits for the workers to finish.
    func stop() async {
        group.triggerGracefulShutdown()
        await task.value
    }
}

/// A transport that records calls and answers from a script (for tests that need no SMTP server).
final class ScriptedTransport: MailTransport {
    private let state = Mutex<(calls: [[String]], answer: @Sendable ([String]) -> SMTPOutcome)>(([], { _ in
        .delivered(reply: "250 OK", rejected: [])
    }))

    /// The recipients of every call so far.
    var calls: [[String]] { state.withLock { $0.calls } }

    func answer(_ body: @escaping @Sendable ([String]) -> SMTPOutcome) {
        state.withLock { $0.answer = body }
    }

    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> SMTPOutcome {
        state.withLock { state in
            state.calls.append(recipients)
            return state.answer(recipients)
        }
    }

    func shutdown() async {}
}
