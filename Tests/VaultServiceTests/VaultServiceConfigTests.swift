import Foundation
import Testing
import ServiceKit
@testable import VaultService

@Suite("VaultServiceConfig")
struct VaultServiceConfigTests {
    @Test("a complete environment is read, with defaults for the rest")
    func valid() throws {
        let mesh = try MeshFiles()
        let config = try VaultServiceConfig(environment: mesh.environment.merging(["DATABASE_URL": "postgres://u:hunter2@db/app"]) { $1 })
        #expect(config.logLevel == .info)
        #expect(config.drainTimeout == .seconds(10))
        #expect(config.databaseURL.value.absoluteString == "postgres://u:hunter2@db/app")
        #expect(config.wire == WireListenerConfiguration(
            host: "127.0.0.1", port: 7103, trustRootsPath: mesh.path("ca.pem"),
            certificateChainPath: mesh.path("cert.pem"), privateKeyPath: mesh.path("key.pem")))
        #expect(!String(describing: config).contains("hunter2"))
    }

    @Test("every variable is read")
    func overrides() throws {
        let mesh = try MeshFiles()
        let config = try VaultServiceConfig(environment: mesh.environment.merging([
            "DATABASE_URL": "postgresql://db/app", "LOG_LEVEL": "ERROR", "DRAIN_TIMEOUT_SECONDS": "300",
            "WIRE_HOST": "0.0.0.0", "WIRE_PORT": "0",
        ]) { $1 })
        #expect(config.logLevel == .error)
        #expect(config.drainTimeout == .seconds(300))
        #expect(config.wire.host == "0.0.0.0")
        #expect(config.wire.port == 0)
    }

    @Test("every problem is named at once")
    func allProblems() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try VaultServiceConfig(environment: ["LOG_LEVEL": "loud", "DRAIN_TIMEOUT_SECONDS": "ten"])
        }
        #expect(error.variables == [
            "LOG_LEVEL", "DATABASE_URL", "DRAIN_TIMEOUT_SECONDS", "MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH",
        ])
        #expect(error.problems.map(\.kind) == [.malformed, .missing, .malformed, .missing, .missing, .missing])
    }

    @Test("a bad port and mesh paths that name no file are problems")
    func badListener() throws {
        let mesh = try MeshFiles()
        var environment = mesh.environment
        environment["DATABASE_URL"] = "postgres://db/app"
        environment["WIRE_PORT"] = "65536"
        environment["MESH_CERT_PATH"] = mesh.path("absent.pem")
        environment["MESH_KEY_PATH"] = mesh.directory
        let error = try #require(throws: ConfigurationError.self) { try VaultServiceConfig(environment: environment) }
        #expect(error.variables == ["WIRE_PORT", "MESH_CERT_PATH", "MESH_KEY_PATH"])
        #expect(error.problems.map(\.kind) == [.outOfRange, .notFound, .notFound])
    }
}

/// Three existing files for `MESH_CA_PATH`, `MESH_CERT_PATH` and `MESH_KEY_PATH` in a fresh directory
/// (the configuration only checks that they exist; their contents are read when the server starts).
fileprivate final class MeshFiles {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "vault-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["ca.pem", "cert.pem", "key.pem"] {
            try Data("not read by the configuration\n".utf8).write(to: URL(fileURLWithPath: path(name)))
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String {
        directory + "/" + name
    }

    var environment: [String: String] {
        ["MESH_CA_PATH": path("ca.pem"), "MESH_CERT_PATH": path("cert.pem"), "MESH_KEY_PATH": path("key.pem")]
    }
}
