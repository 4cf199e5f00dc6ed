import Foundation
import Testing
import ServiceKit
@testable import CommsService

@Suite("CommsServiceConfig")
struct CommsServiceConfigTests {
    /// The mesh variables only have to name existing files (their contents are read when the Wire server
    /// starts, see `WireServiceTests`); this very file will do. Bad paths and ports: `WireListenerConfigurationTests`.
    static let mesh = ["MESH_CA_PATH": #filePath, "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath]
    static let key = Data(repeating: 7, count: 32).base64EncodedString()
    static let required = mesh.merging([
        "DATABASE_URL": "postgres://u:hunter2@db/app", "SMTP_URL": "smtp://mailer:smtp-pass-9@relay.test:587",
        "COMMS_MASTER_KEY": key,
    ]) { $1 }

    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let config = try CommsServiceConfig(environment: Self.required)
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.databaseURL.value.absoluteString == "postgres://u:hunter2@db/app")
        #expect(config.wire == WireListenerConfiguration(
            host: "127.0.0.1", port: 7102, trustRootsPath: #filePath,
            certificateChainPath: #filePath, privateKeyPath: #filePath))
        #expect(config.smtpRelay.redactedURL == "smtp://mailer@relay.test:587?tls=starttls")
        #expect(config.masterKey.value == Array(repeating: 7, count: 32))
        #expect(config.messageIDDomain == "purrpurr.local")
        #expect(config.retrySchedule == .standard)
        #expect(config.projectRatePerSecond == 10)
        #expect(config.smtpMaxConnections == 16)
        #expect(config.workers == 4)
        #expect(config.lease == .seconds(300))
        #expect(config.pollInterval == .milliseconds(1000))
        #expect(config.defaultFrom == "no-reply@purrpurr.local")
        #expect(config.smtpCAPath == nil)
        #expect(config.sendTimeout == .seconds(150) && config.workersPerProject == 2 && config.sendsPerRelay == 4)
        #expect(!config.relayGuard.policy.allowsPrivateNetworks)
        #expect(config.relayGuard.policy.allowedPorts == [25, 465, 587, 2525])
        #expect(config.spfInclude == "_spf.purrpurr.local")
        #expect(config.dnsTimeout == .seconds(3))
        let text = String(describing: config) + String(reflecting: config)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("smtp-pass-9"))
        #expect(!text.contains(Self.key))
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try CommsServiceConfig(environment: Self.required.merging([
            "DATABASE_URL": "postgresql://db/app", "LOG_LEVEL": "ERROR", "DRAIN_TIMEOUT_SECONDS": "300",
            "WIRE_HOST": "0.0.0.0", "WIRE_PORT": "0", "SMTP_CA_PATH": #filePath, "COMMS_DEFAULT_FROM": "a@b.test",
            "COMMS_MESSAGE_ID_DOMAIN": "mail.example.com", "COMMS_RETRY_SCHEDULE": "500ms, 2s,1m",
            "COMMS_PROJECT_RATE_PER_SECOND": "3", "SMTP_MAX_CONNECTIONS": "2", "COMMS_WORKERS": "8",
            "COMMS_LEASE_SECONDS": "60", "COMMS_POLL_INTERVAL_MS": "250", "COMMS_SPF_INCLUDE": "_spf.example.net",
            "COMMS_DNS_RESOLVER": "[::1]:5353", "COMMS_DNS_TIMEOUT_MS": "250",
        ]) { $1 })
        #expect(config.logLevel == .error)
        #expect(config.drainTimeout == .seconds(300))
        #expect(config.wire.host == "0.0.0.0")
        #expect(config.wire.port == 0)
        #expect(config.smtpCAPath == #filePath)
        #expect(config.defaultFrom == "a@b.test")
        #expect(config.messageIDDomain == "mail.example.com")
        #expect(config.retrySchedule.delays == [.milliseconds(500), .seconds(2), .seconds(60)])
        #expect(config.projectRatePerSecond == 3)
        #expect(config.smtpMaxConnections == 2)
        #expect(config.workers == 8)
        #expect(config.lease == .seconds(60))
        #expect(config.pollInterval == .milliseconds(250))
        #expect(config.spfInclude == "_spf.example.net")
        #expect(config.dnsResolver.description == "[::1]:5353")
        #expect(config.dnsTimeout == .milliseconds(250))
    }

    @Test("every problem is named at once")
    func allProblems() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try CommsServiceConfig(environment: ["LOG_LEVEL": "loud", "DRAIN_TIMEOUT_SECONDS": "ten"])
        }
        #expect(error.variables == [
            "LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH",
            "SMTP_URL", "COMMS_MASTER_KEY",
        ])
        #expect(error.problems.map(\.kind) == [.malformed, .missing, .malformed, .missing, .missing, .missing, .missing, .missing])
    }

    @Test("bad values are named, never echoed")
    func malformed() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try CommsServiceConfig(environment: Self.required.merging([
                "SMTP_URL": "http://user:secret-pw-1@relay", "COMMS_MASTER_KEY": "c2hvcnQtc2VjcmV0LWtleQ==",
                "COMMS_RETRY_SCHEDULE": "30s,soon", "COMMS_WORKERS": "0", "SMTP_CA_PATH": "/nonexistent/ca.pem",
                "COMMS_MESSAGE_ID_DOMAIN": "bad domain", "COMMS_DEFAULT_FROM": "not an address",
                "COMMS_SPF_INCLUDE": "spf host", "COMMS_DNS_RESOLVER": "dns.google", "COMMS_DNS_TIMEOUT_MS": "5",
            ]) { $1 })
        }
        #expect(error.variables == [
            "SMTP_URL", "SMTP_CA_PATH", "COMMS_MASTER_KEY", "COMMS_MESSAGE_ID_DOMAIN", "COMMS_DEFAULT_FROM", "COMMS_RETRY_SCHEDULE",
            "COMMS_WORKERS", "COMMS_SPF_INCLUDE", "COMMS_DNS_RESOLVER", "COMMS_DNS_TIMEOUT_MS",
        ])
        #expect(!error.description.contains("secret-pw-1"))
        #expect(!error.description.contains("c2hvcnQtc2VjcmV0LWtleQ"))
    }

    @Test("fairness settings: the send deadline must stay within half the lease; private relays are opt-in")
    func fairness() throws {
        let config = try CommsServiceConfig(environment: Self.required.merging([
            "COMMS_LEASE_SECONDS": "60", "COMMS_SEND_TIMEOUT_SECONDS": "30", "COMMS_WORKERS_PER_PROJECT": "1",
            "COMMS_SENDS_PER_RELAY": "8", "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1",
        ]) { $1 })
        #expect(config.outboxSettings.sendTimeout == .seconds(30) && config.outboxSettings.workersPerProject == 1)
        #expect(config.outboxSettings.sendsPerRelay == 8 && config.relayGuard.policy.allowsPrivateNetworks)
        let error = try #require(throws: ConfigurationError.self) {
            try CommsServiceConfig(environment: Self.required.merging([
                "COMMS_LEASE_SECONDS": "60", "COMMS_SEND_TIMEOUT_SECONDS": "31", "COMMS_WORKERS_PER_PROJECT": "0",
                "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "sure",
            ]) { $1 })
        }
        #expect(error.problems.map(\.variable)
            == ["COMMS_SEND_TIMEOUT_SECONDS", "COMMS_WORKERS_PER_PROJECT", "OUTBOUND_ALLOW_PRIVATE_NETWORKS"])
    }
}
