import Contracts
import Foundation
import Wire

/// What a mesh service hands ``ServiceMain/runMeshService(_:migrations:environment:configuration:build:)``:
/// its Wire handlers and the background services around the Wire server.
public struct MeshServiceParts: Sendable {
    /// Registers the service's handlers on the Wire server.
    public var register: @Sendable (WireServer) -> Void
    /// Started before the Wire server and stopped after it: what calls in flight still feed (an outbox,
    /// pending emails).
    public var beforeWire: [any Service]
    /// Started after the Wire server and stopped first (housekeeping).
    public var afterWire: [any Service]

    /// The parts; all optional (a service with no handlers still answers the built-in `wire.Ping`).
    public init(
        beforeWire: [any Service] = [], afterWire: [any Service] = [],
        register: @escaping @Sendable (WireServer) -> Void = { _ in }
    ) {
        self.register = register
        self.beforeWire = beforeWire
        self.afterWire = afterWire
    }

    /// Every service in start order around the pool and the Wire server; they stop in reverse.
    public func ordered(database: any Service, wire: any Service) -> [any Service] {
        [database] + beforeWire + [wire] + afterWire
    }
}

extension ServiceMain {
    /// Runs mesh service `service`: reads its configuration, opens its database and applies `migrations` in
    /// the schema named after it, builds its parts, serves Wire on the registry's port unless `WIRE_PORT`
    /// says otherwise, serves `GET /metrics` (``MetricsListener``, the process's registry) on the registry's
    /// metrics port unless `METRICS_PORT` says otherwise (`off`: none; logged as `metrics.port`), and drains it
    /// all on SIGTERM (in reverse start order: the metrics listener, after-Wire services, the Wire server,
    /// before-Wire services, the pool). A whole `main.swift`:
    ///
    /// ```swift
    /// await ServiceMain.runMeshService(.vault, migrations: VaultServiceMigrations.all) { config, context, pool in
    ///     let handlers = VaultHandlers(pool: pool, logger: context.logger)
    ///     return MeshServiceParts { handlers.register(on: $0) }
    /// }
    /// ```
    ///
    /// `plansEveryExecution`: see ``PostgresConfiguration/plansEveryExecution`` (Vault's filters need it).
    public static func runMeshService<Config: MeshServiceConfiguration>(
        _ service: MeshService,
        migrations: [Migration],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        plansEveryExecution: Bool = false,
        configuration: (_ environment: [String: String]) throws -> Config,
        build: (_ config: Config, _ context: ServiceContext, _ pool: PostgresPool) async throws -> MeshServiceParts
    ) async -> Never {
        await run(name: service.executable, environment: environment, configuration: configuration) { config, context in
            let database = try await context.openDatabase(
                url: config.databaseURL, schema: service.name, migrations: migrations,
                plansEveryExecution: plansEveryExecution)
            let parts = try await build(config, context, database.pool)
            let wire = try context.serveWire(config.wire, drainTimeout: config.drainTimeout, register: parts.register)
            let metrics = try config.metrics.map { try MetricsListener($0, metrics: context.metrics) }
            if let metrics { context.logger.info("metrics listening", metadata: [.metricsPort: .int(metrics.server.port)]) }
            return parts.ordered(database: database, wire: wire) + (metrics.map { [$0] } ?? [])
        }
    }

    /// ``runMeshService(_:migrations:environment:configuration:build:)`` for a service whose configuration is
    /// the shared ``MeshServiceConfig`` alone.
    public static func runMeshService(
        _ service: MeshService,
        migrations: [Migration],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        build: (_ config: MeshServiceConfig, _ context: ServiceContext, _ pool: PostgresPool) async throws
            -> MeshServiceParts = { _, _, _ in MeshServiceParts() }
    ) async -> Never {
        await runMeshService(
            service, migrations: migrations, environment: environment,
            configuration: { try MeshServiceConfig(service, environment: $0) }, build: build)
    }
}
