import Contracts
import Foundation
import ServiceKit
import Wire

/// The Router's route groups composed into one list, each group given only what its handlers use.
///
/// ```swift
/// let table = RouteTable(routes: RouterRoutes.all(app), pipeline: RouterPipeline(app: app))
/// ```
enum RouterRoutes {
    /// Every route of `app`'s replica, the OpenAPI document's route last.
    static func all(_ app: RouterApp) -> [Route] {
        let services = app.services
        let pepper = app.config.apiKeyPepper
        let groups: [[Route]] = [
            HealthRoutes(services: services).routes,
            ProjectRoutes(
                projects: app.projects, keys: app.keys, registry: app.registry, limits: app.limits, pepper: pepper,
                billing: { services.client(for: .billing).map(BillingContract.Client.init) }).routes,
            KeyRoutes(keys: app.keys, registry: app.registry, pepper: pepper).routes,
            WebhookRoutes(
                secrets: app.config.webhookSecrets, events: app.webhookEvents, services: services, logger: app.logger,
                stripeSecret: app.config.stripeWebhookSecret).routes,
            IdentityRoutes(identity: { try services.client(.identity, IdentityContract.Client.init) }).routes,
            CommsRoutes(
                comms: { try services.client(.comms, CommsContract.Client.init) },
                billing: { services.client(for: .billing).map(BillingContract.Client.init) }).routes,
            CommsDomainRoutes(comms: { try services.client(.comms, CommsContract.Client.init) }).routes,
            VaultRoutes(vault: { try services.client(.vault, VaultContract.Client.init) }).routes,
            VaultDocumentRoutes(vault: { try services.client(.vault, VaultContract.Client.init) }).routes,
            OnboardingRoutes(saga: app.signupSaga, limiter: app.limiter, bearer: app.bearer).routes,
            VaultBackupRoutes(vault: { try services.client(.vault, VaultContract.Client.init) }).routes,
            WebhookEndpointRoutes(comms: { try services.client(.comms, CommsContract.Client.init) }, projects: app.projects)
                .routes,
            BillingRoutes(billing: { try services.client(.billing, BillingContract.Client.init) }, projects: app.projects).routes,
            WhatsAppRoutes(
                comms: { try services.client(.comms, CommsContract.Client.init) },
                billing: { services.client(for: .billing).map(BillingContract.Client.init) }).routes,
        ]
        let routes = groups.flatMap { $0 }
        return routes + [OpenAPIRoute.route(documenting: routes)]
    }

    /// The routes as documented, without a database or a mesh (`router --print-openapi`, tests).
    static func documentation() throws -> [Route] { all(try documentationApp()) }

    /// A replica over a pool that never connects and no mesh, for documenting the routes.
    static func documentationApp() throws -> RouterApp {
        let config = try RouterConfig(environment: [
            "DATABASE_URL": "postgres://localhost/none", "PURRPURR_ADMIN_TOKEN": String(repeating: "d", count: 32),
            "API_KEY_PEPPER": String(repeating: "d", count: 32),
        ])
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: "postgres://localhost/none"))
        return RouterApp(
            config: config, database: pool, logger: Logger(handler: InMemoryLogHandler()), metrics: MetricsRegistry())
    }
}
