import Testing
import ServiceKit
@testable import IdentityService

@Suite("IdentityServiceConfig")
struct IdentityServiceConfigTests {
    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let config = try IdentityServiceConfig(environment: ["DATABASE_URL": "postgres://u:hunter2@db/app"])
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.databaseURL.value.absoluteString == "postgres://u:hunter2@db/app")
        #expect(!String(describing: config).contains("hunter2"))
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try IdentityServiceConfig(environment: [
            "DATABASE_URL": "postgresql://db/app", "LOG_LEVEL": "ERROR", "DRAIN_TIMEOUT_SECONDS": "300",
        ])
        #expect(config.logLevel == .error)
        #expect(config.drainTimeout == .seconds(300))
    }

    @Test("every problem is named at once")
    func allProblems() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try IdentityServiceConfig(environment: ["LOG_LEVEL": "loud", "DRAIN_TIMEOUT_SECONDS": "ten"])
        }
        #expect(error.variables == ["LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS"])
        #expect(error.problems.map(\.kind) == [.malformed, .missing, .malformed])
    }
}
