import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

/// One Router replica for a test: its own schema (created on first use), pool, registry, listener-driven
/// sync and HTTP server on port 0. A second replica on the same schema shares the database only.
final class RouterHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let disabledReason: Comment = "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"
    static let adminToken = String(repeating: "a", count: 40)

    let app: RouterApp
    let pool: PostgresPool
    let server: HTTPServer
    let group: EventLoopGroup
    let syncTask: Task<Void, Never>
    let client: TestHTTPClient
    let logs: InMemoryLogHandler

    static func uniqueSchema() -> String {
        "router_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    }

    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": databaseURL ?? "postgres://localhost/none", "PURRPURR_ADMIN_TOKEN": adminToken,
            "API_KEY_PEPPER": String(repeating: "p", count: 32), "PURRPURR_HTTP_PORT": "0",
        ].merging(extra) { $1 }
    }

    init(
        schema: String = RouterHarness.uniqueSchema(), environment: [String: String] = [:],
        extraRoutes: [Route] = [], services: any ServiceDirectory = EmptyServiceDirectory()
    ) async throws {
        let config = try RouterConfig(environment: Self.environment(environment))
        var configuration = try PostgresConfiguration(url: Self.databaseURL ?? "")
        configuration.maxConnections = 3
        let pool = PostgresPool(configuration: configuration)
        try await Migrator(schema: schema, migrations: RouterMigrations.steps(schema: schema)).migrate(on: pool)
        let logs = InMemoryLogHandler()
        let app = RouterApp(
            config: config, database: pool, schema: schema, logger: Logger(handler: logs), metrics: MetricsRegistry(),
            services: services)
        var sync = app.sync(listener: try app.makeListener(configuration: configuration))
        sync.flushInterval = .milliseconds(200)
        try await sync.reloadAll()
        let rateSync = app.rateLimitSync()
        let keySync = sync
        let syncTask = Task {
            async let keys: Void? = try? await keySync.run()
            async let budgets: Void? = try? await rateSync.run()
            _ = await (keys, budgets)
        }
        let group = try EventLoopGroup(loopCount: 1)
        self.server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: RouterResponder(app: app, extraRoutes: extraRoutes))
        self.app = app
        self.pool = pool
        self.group = group
        self.syncTask = syncTask
        self.logs = logs
        self.client = TestHTTPClient(port: server.port)
        try await Task.sleep(for: .milliseconds(100))  // let the listener subscribe
    }

    func shutdown() async {
        await server.shutdown(timeout: .seconds(2))
        await group.shutdownGracefully()
        syncTask.cancel()
        await syncTask.value
        await pool.close()
    }

    /// Polls `request` every 20 ms until it answers `status`; returns the time it took, or nil after `limit`.
    func timeUntil(
        status: Int, within limit: Duration, _ request: @Sendable () async throws -> TestHTTPClient.Response
    ) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try await request().status == status { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func send(
        _ method: String, _ target: String, headers: [String: String] = [:], body: String? = nil,
        contentType: String? = "application/json"
    ) async throws -> TestHTTPClient.Response {
        try await client.send(method, target, headers: headers, body: body, contentType: contentType)
    }

    /// Creates a project; returns (project id, publishable key, secret key).
    func createProject(_ name: String = "Acme") async throws -> (id: String, publishable: String, secret: String) {
        let response = try await send(
            "POST", "/v1/admin/projects", headers: ["X-Admin-Token": Self.adminToken], body: #"{"name":"\#(name)"}"#)
        try #require(response.status == 201)
        let project = try #require(response.json["project"] as? [String: Any])
        let keys = try #require(response.json["keys"] as? [[String: Any]])
        let publishable = try #require(keys.first { $0["kind"] as? String == "publishable" }?["key"] as? String)
        let secret = try #require(keys.first { $0["kind"] as? String == "secret" }?["key"] as? String)
        return (try #require(project["id"] as? String), publishable, secret)
    }
}
