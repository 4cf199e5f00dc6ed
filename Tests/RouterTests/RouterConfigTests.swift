import Testing
import ServiceKit
@testable import Router

@Suite("RouterConfig")
struct RouterConfigTests {
    private let token = String(repeating: "t", count: 32)

    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let config = try RouterConfig(environment: ["DATABASE_URL": "postgresql://router@db/router", "PURRPURR_ADMIN_TOKEN": token])
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.httpPort == 8080)
        #expect(config.adminToken.value == token)
        #expect(config.databaseURL.value.host == "db")
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try RouterConfig(environment: [
            "DATABASE_URL": "postgres://db/r", "PURRPURR_ADMIN_TOKEN": token,
            "LOG_LEVEL": "trace", "DRAIN_TIMEOUT_SECONDS": "0", "PURRPURR_HTTP_PORT": "0",
        ])
        #expect(config.logLevel == .trace)
        #expect(config.drainTimeout == .zero)
        #expect(config.httpPort == 0)
    }

    @Test("an empty environment names both required variables")
    func empty() throws {
        let error = try #require(throws: ConfigurationError.self) { try RouterConfig(environment: [:]) }
        #expect(error.lines(service: "router") == [
            "router: invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)",
            "router: invalid configuration: PURRPURR_ADMIN_TOKEN is missing (expected a secret of at least 32 characters)",
        ])
    }

    @Test("every malformed variable is named, and the short token is not shown")
    func allMalformed() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: [
                "DATABASE_URL": "http://db", "PURRPURR_ADMIN_TOKEN": "tooshort-admin-token",
                "LOG_LEVEL": "verbose", "DRAIN_TIMEOUT_SECONDS": "301", "PURRPURR_HTTP_PORT": "70000",
            ])
        }
        #expect(error.variables == ["LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "PURRPURR_HTTP_PORT", "PURRPURR_ADMIN_TOKEN"])
        #expect(!error.description.contains("tooshort-admin-token"))
    }

    @Test("the configuration prints without its secrets")
    func redacted() throws {
        let config = try RouterConfig(environment: ["DATABASE_URL": "postgres://u:hunter2@db/r", "PURRPURR_ADMIN_TOKEN": token])
        let text = String(describing: config) + String(reflecting: config)
        #expect(!text.contains(token))
        #expect(!text.contains("hunter2"))
    }
}
