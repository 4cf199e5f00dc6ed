import Foundation
import ServiceKit
import Wire

/// Everything one Router replica holds: stores, in-memory keys and budgets, the limiter, the seam to the
/// mesh, logs and metrics. The responder's pipeline and the route groups are built from it (each group takes
/// only the stores or clients it needs; handlers never see the whole replica).
///
/// ```swift
/// let app = RouterApp(config: config, database: pool, schema: "router", logger: logger, metrics: metrics)
/// try await app.sync(listener: listener).reloadAll()
/// let server = try HTTPServer(host: config.httpHost, port: config.httpPort, group: group,
///                             responder: RouterResponder(app: app))
/// ```
final class RouterApp: Sendable {
    /// The configuration.
    let config: RouterConfig
    /// The schema holding the tables.
    let schema: String
    /// Projects.
    let projects: ProjectStore
    /// API keys.
    let keys: KeyStore
    /// Idempotent first responses.
    let idempotency: IdempotencyStore
    /// Inbound webhook ids.
    let webhookEvents: WebhookEventStore
    /// The keys, in memory.
    let registry: KeyRegistry
    /// The budgets, in memory.
    let limits: ProjectLimits
    /// Uses of keys to flush.
    let usage = KeyUsageRecorder()
    /// The token buckets.
    let limiter = RateLimiter()
    /// The project budgets' totals shared by the replicas (``RateLimitSync``).
    let rateUsage: RateLimitUsageStore
    /// The budget of one client address on unkeyed routes.
    let addressLimit = RateLimit(perSecond: 10, burst: 50)
    /// The budget of wrong admin tokens from one client address (the right token never counts against it).
    let wrongAdminTokenLimit = RateLimit(perSecond: 1, burst: 10)
    /// The mesh behind the Router.
    let services: any ServiceDirectory
    /// The access log and error logs.
    let logger: Logger
    /// Metrics.
    let metrics: RouterMetrics
    /// Identity's signing keys, for bearer tokens (refreshed by its own service).
    let identityKeys: IdentityKeyCache
    /// Revoked end-user sessions (polled by its own service).
    let sessionDenylist: SessionDenylist
    /// The bearer check of `.keyAndBearer` routes.
    var bearer: BearerAuthenticator { BearerAuthenticator(keys: identityKeys, denylist: sessionDenylist) }
    /// The services keeping ``identityKeys`` and ``sessionDenylist`` current; empty when identity is not configured.
    var identityServices: [any Service] { identityKeys.isConfigured ? [identityKeys, sessionDenylist] : [] }

    /// Builds the replica's state over `database` (no connection is opened until the first statement).
    init(
        config: RouterConfig, database: PostgresPool, schema: String = RouterMigrations.schema, logger: Logger,
        metrics: MetricsRegistry, services: any ServiceDirectory = EmptyServiceDirectory()
    ) {
        self.config = config
        self.schema = schema
        self.projects = ProjectStore(database: database, schema: schema)
        self.keys = KeyStore(database: database, schema: schema)
        self.idempotency = IdempotencyStore(database: database, schema: schema, pepper: config.apiKeyPepper)
        self.webhookEvents = WebhookEventStore(database: database, schema: schema)
        self.rateUsage = RateLimitUsageStore(database: database, schema: schema)
        self.registry = KeyRegistry(pepper: config.apiKeyPepper)
        self.limits = ProjectLimits(defaultLimit: config.defaultRateLimit)
        self.services = services
        self.logger = logger
        self.metrics = RouterMetrics(registry: metrics)
        self.identityKeys = IdentityKeyCache(services: services, logger: logger)
        self.sessionDenylist = SessionDenylist(services: services, logger: logger)
    }

    /// The listener-driven key refresher for this replica (run it as a service; call `reloadAll()` first).
    func sync(listener: PostgresListener) -> KeySync {
        KeySync(
            keys: keys, projects: projects, registry: registry, limits: limits, usage: usage, listener: listener,
            logger: logger)
    }

    /// The service that makes project budgets hold across replicas (run it beside the HTTP server).
    func rateLimitSync() -> RateLimitSync {
        RateLimitSync(limiter: limiter, limits: limits, store: rateUsage, logger: logger)
    }

    /// A listener on this replica's key and project channels.
    func makeListener(configuration: PostgresConfiguration) throws -> PostgresListener {
        try PostgresListener(
            configuration: configuration,
            channels: [KeyStore.channel(schema: schema), KeyStore.projectChannel(schema: schema)])
    }
}
