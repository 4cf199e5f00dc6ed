import Foundation
import Testing
@testable import ServiceKit

/// `EnvironmentReader.wireListener(defaultPort:)`, shared by every service that serves Wire.
@Suite("Wire listener configuration")
struct WireListenerConfigurationTests {
    @Test("defaults: loopback, the service's port, the three mesh files")
    func defaults() throws {
        var reader = EnvironmentReader(["MESH_CA_PATH": #filePath, "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath])
        let listener = reader.wireListener(defaultPort: 7101)
        try reader.finish()
        #expect(listener == WireListenerConfiguration(
            host: "127.0.0.1", port: 7101, trustRootsPath: #filePath, certificateChainPath: #filePath,
            privateKeyPath: #filePath))
    }

    @Test("a bad port and mesh paths that name no file are problems, all named at once")
    func badListener() throws {
        let directory = NSTemporaryDirectory()
        var reader = EnvironmentReader([
            "WIRE_PORT": "65536", "MESH_CA_PATH": #filePath,
            "MESH_CERT_PATH": directory + "absent-\(UUID().uuidString).pem", "MESH_KEY_PATH": directory,
        ])
        #expect(reader.wireListener(defaultPort: 7101) == nil)
        let error = try #require(throws: ConfigurationError.self) { try reader.finish() }
        #expect(error.variables == ["WIRE_PORT", "MESH_CERT_PATH", "MESH_KEY_PATH"])
        #expect(error.problems.map(\.kind) == [.outOfRange, .notFound, .notFound])
    }
}
