import Foundation
import Testing
import Wire
@testable import IdentityService
@testable import ServiceKit

@Suite("Production wiring")
struct ProductionWiringTests {
    @Test("link codes are keyed by the master key; default lifetimes and password limits come from the environment")
    func wiring() async throws {
        let config = try IdentityServiceConfig(environment: IdentityServiceConfigTests.required.merging([
            "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS": "1200", "IDENTITY_MAGICLINK_LIFETIME_SECONDS": "300",
            "IDENTITY_RECOVERY_LIFETIME_SECONDS": "1800", "IDENTITY_CONFIRMATION_LIFETIME_SECONDS": "7200",
            "IDENTITY_PASSWORD_FAILURES_PER_EMAIL": "4", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS": "120",
            "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR": "30",
        ]) { $1 })
        // Never connected: building the app touches no database.
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: "postgres://identity@127.0.0.1:9/identity"))
        let app = try IdentityServiceApp.production(
            config: config, database: pool, logger: Logger(handler: InMemoryLogHandler(), level: .debug))
        let links = try #require(app.links as? LinkFlows)
        let key = try #require(links.config.codeKey?.value)
        #expect(key == config.links.withCodeKey(derivedFrom: config.masterKey.value).codeKey?.value)
        #expect(key.count == 32 && key != config.masterKey.value)
        #expect(app.core.settings.defaults == .init(accessToken: 1200, magicLink: 300, recovery: 1800, confirmation: 7200))
        #expect(app.accounts.limits.perEmail.limit == 4 && app.accounts.limits.perEmail.window == 120)
        #expect(app.accounts.limits.perAddress.limit == 30 && app.accounts.limits.perAddress.window == 3600)
        #expect(app.emailDrain().links is LinkFlows)
        await pool.close()
    }
}
