import Contracts
import Testing
import ServiceKit

/// The shared configuration every mesh service runs on, for each service of the registry.
@Suite("MeshServiceConfig")
struct MeshServiceConfigTests {
    /// The mesh variables only have to name existing files (their contents are read when the Wire server
    /// starts, see `WireServiceTests`); this very file will do. Bad paths and ports: `WireListenerConfigurationTests`.
    static let mesh = ["MESH_CA_PATH": #filePath, "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath]

    @Test("a complete environment is read, with defaults for the rest (the registry's Wire port)",
          arguments: MeshService.allCases)
    func valid(service: MeshService) throws {
        let config = try MeshServiceConfig(service, environment: Self.mesh.merging(["DATABASE_URL": "postgres://u:hunter2@db/app"]) { $1 })
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.databaseURL.value.absoluteString == "postgres://u:hunter2@db/app")
        #expect(config.wire == WireListenerConfiguration(
            host: "127.0.0.1", port: service.defaultWirePort, trustRootsPath: #filePath,
            certificateChainPath: #filePath, privateKeyPath: #filePath))
        #expect(config.service == service)
        #expect(!String(describing: config).contains("hunter2"))
    }

    @Test("every variable is read")
    func overrides() throws {
        let config = try MeshServiceConfig(.vault, environment: Self.mesh.merging([
            "DATABASE_URL": "postgresql://db/app", "LOG_LEVEL": "ERROR", "DRAIN_TIMEOUT_SECONDS": "300",
            "WIRE_HOST": "0.0.0.0", "WIRE_PORT": "0",
        ]) { $1 })
        #expect(config.logLevel == .error)
        #expect(config.drainTimeout == .seconds(300))
        #expect(config.wire.host == "0.0.0.0")
        #expect(config.wire.port == 0)
    }

    @Test("the metrics listener: loopback on the registry's port, METRICS_HOST/METRICS_PORT, `off`, distinct ports")
    func metricsListener() throws {
        let environment = Self.mesh.merging(["DATABASE_URL": "postgresql://db/app"]) { $1 }
        for service in MeshService.allCases {
            let config = try MeshServiceConfig(service, environment: environment)
            #expect(config.metrics == MetricsListenerConfiguration(host: "127.0.0.1", port: service.defaultMetricsPort))
        }
        // The Router's 9464 and the services' ports never clash on one host.
        #expect(Set(MeshService.allCases.map(\.defaultMetricsPort) + [9464]).count == MeshService.allCases.count + 1)
        let set = try MeshServiceConfig(.comms, environment: environment.merging(["METRICS_HOST": "0.0.0.0", "METRICS_PORT": "0"]) { $1 })
        #expect(set.metrics == MetricsListenerConfiguration(host: "0.0.0.0", port: 0))
        #expect(try MeshServiceConfig(.comms, environment: environment.merging(["METRICS_PORT": "off"]) { $1 }).metrics == nil)
        let error = try #require(throws: ConfigurationError.self) {
            try MeshServiceConfig(.comms, environment: environment.merging(["METRICS_PORT": "70000"]) { $1 })
        }
        #expect(error.variables == ["METRICS_PORT"])
    }

    @Test("every problem is named at once")
    func allProblems() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try MeshServiceConfig(.billing, environment: ["LOG_LEVEL": "loud", "DRAIN_TIMEOUT_SECONDS": "ten"])
        }
        #expect(error.variables == [
            "LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH",
        ])
        #expect(error.problems.map(\.kind) == [.malformed, .missing, .malformed, .missing, .missing, .missing])
    }
}
