import Contracts
import Foundation
import ServiceKit
import Synchronization
import Testing
import Wire
@testable import IdentityService

/// A ``LinkMailer`` that records each email (and can be told to fail).
final class RecordingLinkMailer: LinkMailer {
    struct Email: Sendable, Hashable {
        var template: String
        var to: String
        var data: [String: String]
        var idempotencyKey: String
        var projectID: String?
    }

    private let state = Mutex<(emails: [Email], failing: Bool)>(([], false))

    var emails: [Email] { state.withLock { $0.emails } }

    /// The single email sent, or nil when there are none or several.
    var onlyEmail: Email? { state.withLock { $0.emails.count == 1 ? $0.emails.first : nil } }

    func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    private let gate = Mutex<(held: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    /// Makes sends wait (before they are recorded) until ``open()``.
    func hold() { gate.withLock { $0.held = true } }

    /// Lets the waiting sends, and every later one, through.
    func open() {
        let waiting = gate.withLock { gate in
            gate.held = false
            defer { gate.waiting = [] }
            return gate.waiting
        }
        waiting.forEach { $0.resume() }
    }

    /// How many sends wait at the gate.
    var waitingCount: Int { gate.withLock { $0.waiting.count } }

    func send(
        template: String, to: String, data: [String: String], idempotencyKey: String, context: CallContext
    ) async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let through = gate.withLock { gate in
                if !gate.held { return true }
                gate.waiting.append(continuation)
                return false
            }
            if through { continuation.resume() }
        }
        try state.withLock { state in
            if state.failing { throw WireError(.unavailable, "comms is down") }
            state.emails.append(Email(
                template: template, to: to, data: data, idempotencyKey: idempotencyKey, projectID: context.projectID))
        }
    }
}

/// LinkFlows over the real core stores in a schema of its own, with a recording mailer.
final class LinkTestHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let site = "https://app.example.com/auth/callback"
    static let allowList = ["https://app.example.com/welcome", "https://app.example.com/app/"]

    let pool: PostgresPool
    let schema: String
    let core: IdentityCore
    let flows: LinkFlows
    let mailer: RecordingLinkMailer
    let logs: InMemoryLogHandler

    init(config: IdentityLinkConfig = IdentityLinkConfig()) async throws {
        var configuration = try PostgresConfiguration(url: Self.databaseURL ?? "")
        configuration.maxConnections = 12
        let pool = PostgresPool(configuration: configuration)
        let schema = "idlinks_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try await Migrator(schema: schema, migrations: IdentityServiceMigrations.steps(schema: schema)).migrate(on: pool)
        let logs = InMemoryLogHandler()
        let mailer = RecordingLinkMailer()
        let logger = Logger(handler: logs, level: .trace)
        let settings = IdentitySettingsStore(
            database: pool, schema: schema, defaults: .init(accessToken: 3600, links: config))
        let keys = SigningKeyRing(
            database: pool, schema: schema, masterKey: SecureRandom.bytes(32), rotationInterval: 86400 * 30,
            clock: .system)
        try await keys.bootstrap()
        let passwords = PasswordHasher(uncheckedParameters: .init(n: 16, r: 1, p: 1), concurrency: 1)
        let core = IdentityCore(
            users: UserStore(database: pool, schema: schema, passwords: passwords),
            sessions: SessionIssuer(
                database: pool, schema: schema, keys: keys, settings: settings, issuer: "test", refreshLifetime: 86400,
                clock: .system),
            audit: AuditLog(database: pool, schema: schema, logger: logger), settings: settings)
        self.flows = LinkFlows(database: pool, schema: schema, config: config, core: core, mailer: mailer, logger: logger)
        self.core = core
        self.mailer = mailer
        self.logs = logs
        self.pool = pool
        self.schema = schema
    }

    /// A new project with the test site URL and allow-list.
    func project(siteURL: String? = LinkTestHarness.site) async throws -> String {
        let projectID = "prj_" + UUID().uuidString.prefix(8).lowercased()
        _ = try await core.settings.update(
            projectID: projectID,
            UpdateIdentitySettingsRequest(siteURL: siteURL ?? "", redirectAllowList: Self.allowList))
        return projectID
    }

    func context(_ projectID: String, address: String? = "203.0.113.7") -> CallContext {
        CallContext(requestID: "req_" + UUID().uuidString.prefix(8), projectID: projectID, clientAddress: address)
    }

    /// The token in an email's link.
    static func token(in email: RecordingLinkMailer.Email) throws -> String {
        let link = try #require(email.data["link"])
        let query = try #require(URLComponents(string: link)?.queryItems)
        return try #require(query.first { $0.name == "token" }?.value)
    }

    func userCount(_ projectID: String, email: String) async throws -> Int {
        try await pool.query(
            "SELECT count(*)::bigint FROM \(schema).users WHERE project_id = $1 AND email = $2", [projectID, email]
        ).first!.decode(Int.self, at: 0)
    }

    func shutdown() async {
        await flows.waitForPendingEmails()
        _ = try? await pool.execute("DROP SCHEMA \(schema) CASCADE")
        await pool.close()
    }
}

/// Runs `body` with a fresh harness and always shuts it down.
func withLinkHarness(
    _ config: IdentityLinkConfig = IdentityLinkConfig(), _ body: (LinkTestHarness) async throws -> Void
) async throws {
    let harness = try await LinkTestHarness(config: config)
    do {
        try await body(harness)
    } catch {
        await harness.shutdown()
        throw error
    }
    await harness.shutdown()
}

/// The Wire error `body` throws (nil if it returns or throws something else): a failure that is not public.
func linkWireError(_ body: () async throws -> Void) async -> WireError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? WireError
    }
}

/// The public error `body` throws (nil if it returns or throws something else).
func linkPublicError(_ body: () async throws -> Void) async -> PublicError? {
    do {
        try await body()
        return nil
    } catch {
        return PublicError.from(error)
    }
}

/// Skips the suite when no test database is configured.
let linkDatabaseAvailable = LinkTestHarness.databaseURL != nil
