import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("RouterConfig: mesh clients")
struct RouterConfigMeshTests {
    private static let base = [
        "DATABASE_URL": "postgres://db/r", "PURRPURR_ADMIN_TOKEN": String(repeating: "t", count: 32),
        "API_KEY_PEPPER": String(repeating: "p", count: 32),
    ]

    /// Three existing files for the `MESH_*` variables (their contents are not read by the config).
    private static func meshFiles() throws -> [String: String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("router-mesh-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment: [String: String] = [:]
        for (name, file) in [("MESH_CA_PATH", "ca.pem"), ("MESH_CERT_PATH", "cert.pem"), ("MESH_KEY_PATH", "key.pem")] {
            let url = folder.appendingPathComponent(file)
            try Data("x".utf8).write(to: url)
            environment[name] = url.path
        }
        return environment
    }

    /// Removes the folder of ``meshFiles()``.
    private static func remove(_ files: [String: String]) {
        guard let path = files["MESH_CA_PATH"] else { return }
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    @Test("nothing set: no mesh, no services")
    func unset() throws {
        let config = try RouterConfig(environment: Self.base)
        #expect(config.mesh == nil)
        #expect(config.wireEndpoints.isEmpty)
    }

    @Test("endpoints are parsed per service, in a fixed order, with the mesh files")
    func parsed() throws {
        let files = try Self.meshFiles()
        defer { Self.remove(files) }
        let config = try RouterConfig(environment: Self.base.merging(files) { $1 }.merging([
            "VAULT_WIRE_ENDPOINTS": "10.0.0.9:7003", "IDENTITY_WIRE_ENDPOINTS": "10.0.0.7:7001, identity-2:7001,[::1]:7001",
            "COMMS_WIRE_ENDPOINTS": "",
        ]) { $1 })
        #expect(config.mesh?.trustRootsPath == files["MESH_CA_PATH"])
        #expect(config.mesh?.certificateChainPath == files["MESH_CERT_PATH"])
        #expect(config.mesh?.privateKeyPath == files["MESH_KEY_PATH"])
        #expect(config.wireEndpoints.map(\.service) == [.identity, .vault])
        #expect(config.wireEndpoints[0].endpoints == [
            WireEndpoint(host: "10.0.0.7", port: 7001), WireEndpoint(host: "identity-2", port: 7001),
            WireEndpoint(host: "::1", port: 7001),
        ])
        #expect(config.wireEndpoints[1].endpoints == [WireEndpoint(host: "10.0.0.9", port: 7003)])
    }

    @Test("the mesh files alone are accepted (no services yet)")
    func meshOnly() throws {
        let files = try Self.meshFiles()
        defer { Self.remove(files) }
        let config = try RouterConfig(environment: Self.base.merging(files) { $1 })
        #expect(config.mesh != nil)
        #expect(config.wireEndpoints.isEmpty)
    }

    @Test("malformed endpoint lists are named", arguments: ["10.0.0.7", "10.0.0.7:0", "a:1,,b:2", "a:1,", "host:http"])
    func malformed(value: String) throws {
        let files = try Self.meshFiles()
        defer { Self.remove(files) }
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: Self.base.merging(files) { $1 }.merging([
                "BILLING_WIRE_ENDPOINTS": value,
            ]) { $1 })
        }
        #expect(error.variables == ["BILLING_WIRE_ENDPOINTS"])
        #expect(error.lines(service: "router").first?.contains("comma-separated host:port") == true)
    }

    @Test("endpoints without the mesh files name all three")
    func endpointsNeedMesh() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: Self.base.merging(["COMMS_WIRE_ENDPOINTS": "comms:7002"]) { $1 })
        }
        #expect(error.variables == ["MESH_CA_PATH", "MESH_CERT_PATH", "MESH_KEY_PATH"])
    }

    @Test("one mesh file without the others names the missing ones; a missing file is not found")
    func partialMesh() throws {
        let files = try Self.meshFiles()
        defer { Self.remove(files) }
        let error = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: Self.base.merging(["MESH_CERT_PATH": files["MESH_CERT_PATH"]!]) { $1 })
        }
        #expect(error.variables == ["MESH_CA_PATH", "MESH_KEY_PATH"])
        let notFound = try #require(throws: ConfigurationError.self) {
            try RouterConfig(environment: Self.base.merging(files) { $1 }.merging(["MESH_KEY_PATH": "/nonexistent/key.pem"]) { $1 })
        }
        #expect(notFound.variables == ["MESH_KEY_PATH"])
        #expect(notFound.lines(service: "router").first?.contains("not found") == true)
    }
}
