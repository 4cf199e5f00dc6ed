import Foundation
import ServiceKit
import Wire
@testable import Router

/// A mesh for one `/readyz` test: its own CA, the Router's client certificate written to a private
/// temporary folder (as `MESH_*` files), and in-process Wire servers named for mesh services.
final class ReadyzMesh: Sendable {
    let ca: CertificateAuthority
    let folder: URL
    /// The loops of the servers and of the directory's clients.
    let group: EventLoopGroup

    init() throws {
        self.ca = try CertificateAuthority.generate(commonName: "readyz test CA", validity: .days(1))
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("readyz-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let router = try ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
        try Data(ca.certificatePEM.utf8).write(to: folder.appendingPathComponent("ca.pem"))
        try Data(router.certificatePEM.utf8).write(to: folder.appendingPathComponent("router.pem"))
        try Data(router.privateKeyPEM.utf8).write(to: folder.appendingPathComponent("router.key"))
        self.group = try EventLoopGroup(loopCount: 1)
    }

    /// The `MESH_*` variables naming the Router's files.
    var meshEnvironment: [String: String] {
        [
            "MESH_CA_PATH": folder.appendingPathComponent("ca.pem").path,
            "MESH_CERT_PATH": folder.appendingPathComponent("router.pem").path,
            "MESH_KEY_PATH": folder.appendingPathComponent("router.key").path,
        ]
    }

    /// Starts a Wire server named `service` on 127.0.0.1, port 0 (it answers `wire.Ping` on its own).
    func startServer(_ service: String) throws -> WireServer {
        let issued = try ca.issue(serviceName: service, dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let tls = try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: ca.certificatePEM)
        let server = WireServer(
            host: "127.0.0.1", port: 0, tls: tls, group: group,
            configuration: WireServer.Configuration(serviceName: service))
        try server.start()
        return server
    }

    /// Stops the loops and removes the files.
    func shutdown() async {
        await group.shutdownGracefully()
        try? FileManager.default.removeItem(at: folder)
    }
}
