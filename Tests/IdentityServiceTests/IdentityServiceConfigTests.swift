import Foundation
import Testing
import ServiceKit
@testable import IdentityService

@Suite("IdentityServiceConfig")
struct IdentityServiceConfigTests {
    /// The mesh variables only have to name existing files (their contents are read when the Wire server
    /// starts, see `WireServiceTests`); this very file will do. Bad paths and ports: `WireListenerConfigurationTests`.
    static let mesh = ["MESH_CA_PATH": #filePath, "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath]
    /// A valid master key (base64 of 32 bytes).
    static let masterKey = Data(repeating: 7, count: 32).base64EncodedString()
    /// The variables every valid environment needs.
    static let required = mesh.merging(["DATABASE_URL": "postgres://u:hunter2@db/app", "IDENTITY_MASTER_KEY": masterKey]) { $1 }

    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let config = try IdentityServiceConfig(environment: Self.required)
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.databaseURL.value.absoluteString == "postgres://u:hunter2@db/app")
        #expect(config.wire == WireListenerConfiguration(
            host: "127.0.0.1", port: 7101, trustRootsPath: #filePath,
            certificateChainPath: #filePath, privateKeyPath: #filePath))
        #expect(config.masterKey.value == Array(repeating: 7, count: 32))
        #expect(config.issuer == "purrpurr-identity")
        #expect(config.scryptN == 32768)
        #expect(config.refreshReuseGrace == 10)
        #expect(config.signingKeyRotation == 720 * 3600)
        #expect(config.refreshTokenLifetime == 30 * 86400)
        #expect(config.accessTokenLifetime == 3600)
        #expect(config.passwordLimits == PasswordLimitConfig(failuresPerEmail: 10, failureWindow: 900, perAddressPerHour: 60))
        let text = String(describing: config)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains(Self.masterKey))
        #expect(!text.contains("7, 7, 7"))
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try IdentityServiceConfig(environment: Self.required.merging([
            "DATABASE_URL": "postgresql://db/app", "LOG_LEVEL": "ERROR", "DRAIN_TIMEOUT_SECONDS": "300",
            "WIRE_HOST": "0.0.0.0", "WIRE_PORT": "0", "IDENTITY_ISSUER": "https://id.example.com",
            "IDENTITY_SCRYPT_N": "65536", "IDENTITY_REFRESH_REUSE_GRACE_SECONDS": "3",
            "IDENTITY_SIGNING_KEY_ROTATION_HOURS": "24", "IDENTITY_REFRESH_TOKEN_LIFETIME_DAYS": "7",
            "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS": "600", "IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR": "0",
        ]) { $1 })
        #expect(config.accessTokenLifetime == 600)
        #expect(config.passwordLimits.perAddressPerHour == 0)
        #expect(config.logLevel == .error)
        #expect(config.drainTimeout == .seconds(300))
        #expect(config.wire.host == "0.0.0.0")
        #expect(config.wire.port == 0)
        #expect(config.issuer == "https://id.example.com")
        #expect(config.scryptN == 65536)
        #expect(config.refreshReuseGrace == 3)
        #expect(config.signingKeyRotation == 24 * 3600)
        #expect(config.refreshTokenLifetime == 7 * 86400)
    }

    @Test("every problem is named at once")
    func allProblems() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try IdentityServiceConfig(environment: ["LOG_LEVEL": "loud", "DRAIN_TIMEOUT_SECONDS": "ten"])
        }
        #expect(error.variables == [
            "LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH",
            "IDENTITY_MASTER_KEY",
        ])
        #expect(error.problems.map(\.kind) == [.malformed, .missing, .malformed, .missing, .missing, .missing, .missing])
    }

    @Test("bad identity values are refused, naming the variable but not the key")
    func badValues() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try IdentityServiceConfig(environment: Self.required.merging([
                "IDENTITY_MASTER_KEY": "c2hvcnQ=", "IDENTITY_SCRYPT_N": "16384", "IDENTITY_REFRESH_REUSE_GRACE_SECONDS": "-1",
                "IDENTITY_SIGNING_KEY_ROTATION_HOURS": "0", "IDENTITY_REFRESH_TOKEN_LIFETIME_DAYS": "x",
                "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS": "86401", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS": "86401",
            ]) { $1 })
        }
        #expect(Set(error.variables) == [
            "IDENTITY_MASTER_KEY", "IDENTITY_SCRYPT_N", "IDENTITY_REFRESH_REUSE_GRACE_SECONDS",
            "IDENTITY_SIGNING_KEY_ROTATION_HOURS", "IDENTITY_REFRESH_TOKEN_LIFETIME_DAYS",
            "IDENTITY_ACCESS_TOKEN_LIFETIME_SECONDS", "IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS",
        ])
        #expect(!error.description.contains("c2hvcnQ="))
        let notPowerOfTwo = try #require(throws: ConfigurationError.self) {
            try IdentityServiceConfig(environment: Self.required.merging(["IDENTITY_SCRYPT_N": "40000"]) { $1 })
        }
        #expect(notPowerOfTwo.variables == ["IDENTITY_SCRYPT_N"])
    }
}
