import Testing
import ServiceKit
@testable import Router

@Suite("RouterConfig")
struct RouterConfigTests {
    private let token = String(repeating: "t", count: 32)
    private let pepper = String(repeating: "p", count: 32)

    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let config = try RouterConfig(environment: ["DATABASE_URL": "postgresql://router@db/router", "PURRPURR_ADMIN_TOKEN": token, "API_KEY_PEPPER": pepper])
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.httpPort == 8080)
        #expect(config.adminToken.value == token)
        #expect(config.databaseURL.value.host == "db")
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try RouterConfig(environment: [
            "DATABASE_URL": "postgres://db/r", "PURRPURR_ADMIN_TOKEN": token, "API_KEY_PEPPER": pepper,
            "LOG_LEVEL": "trace", "DRAIN_TIMEOUT_SECONDS": "0", "PURRPURR_HTTP_PORT": "0",
        ])
        #expect(config.logLevel == .trace)
        #expect(config.drainTimeout == .zero)
        #expect(config.httpPort == 0)
    }

    @Test("an empty environment names every required variable")
    func empty() throws {
        let error = try #require(throws: ConfigurationError.self) { try RouterConfig(environment: [:]) }
        #expect(error.lines(service: "router") == [
            "router: invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)",
            "router: invalid configuration: PURRPURR_ADMIN_TOKEN is missing (expected a secret of at least 32 characters)",
            "router: invalid configuration: API_KEY_PEPPER is missing (expected a secret of at least 32 characters)",
        ])
    }

    @Test("every malformed variable is named, and the short token is not shown")
    func allMalformed() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: [
                "DATABASE_URL": "http://db", "PURRPURR_ADMIN_TOKEN": "tooshort-admin-token",
                "API_KEY_PEPPER": pepper, "LOG_LEVEL": "verbose", "DRAIN_TIMEOUT_SECONDS": "301", "PURRPURR_HTTP_PORT": "70000",
            ])
        }
        #expect(error.variables == ["LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "PURRPURR_HTTP_PORT", "PURRPURR_ADMIN_TOKEN"])
        #expect(!error.description.contains("tooshort-admin-token"))
    }

    @Test("the configuration prints without its secrets")
    func redacted() throws {
        let config = try RouterConfig(environment: [
            "DATABASE_URL": "postgres://u:hunter2@db/r", "PURRPURR_ADMIN_TOKEN": token, "API_KEY_PEPPER": pepper,
            "WEBHOOK_SECRET_EMAIL": "whsec_" + String(repeating: "A", count: 32),
        ])
        let text = String(describing: config) + String(reflecting: config)
        #expect(!text.contains(token))
        #expect(!text.contains(pepper))
        #expect(!text.contains(String(repeating: "A", count: 32)))
        #expect(!text.contains("hunter2"))
    }

    @Test("router variables: host, rate-limit defaults, webhook secrets, TLS pairs")
    func routerVariables() throws {
        let base = ["DATABASE_URL": "postgres://db/r", "PURRPURR_ADMIN_TOKEN": token, "API_KEY_PEPPER": pepper]
        let defaults = try RouterConfig(environment: base)
        #expect(defaults.httpHost == "127.0.0.1")
        #expect(defaults.defaultRateLimit == RateLimit(perSecond: 100, burst: 200))
        #expect(defaults.webhookSecrets.isEmpty && defaults.tls == nil)
        let set = try RouterConfig(environment: base.merging([
            "PURRPURR_HTTP_HOST": "0.0.0.0", "RATE_LIMIT_PER_SECOND": "5", "RATE_LIMIT_BURST": "7",
            "WEBHOOK_SECRET_EMAIL": "whsec_" + String(repeating: "A", count: 32),
        ]) { $1 })
        #expect(set.httpHost == "0.0.0.0")
        #expect(set.defaultRateLimit == RateLimit(perSecond: 5, burst: 7))
        #expect(set.webhookSecrets["email"] != nil)
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: base.merging([
                "WEBHOOK_SECRET_PAYMENTS": "not-a-secret", "TLS_CERT_PATH": "/etc/hostname", "API_KEY_PEPPER": "short",
            ]) { $1 })
        }
        #expect(Set(error.variables) == ["WEBHOOK_SECRET_PAYMENTS", "TLS_KEY_PATH", "API_KEY_PEPPER"])
        #expect(!error.description.contains("not-a-secret"))
    }
}
