import Foundation
import ServiceKit
import Wire
@testable import Router

/// A Router (``RouterHarness``, its own schema) in front of an in-test `comms` ``WireServer`` over mTLS that
/// serves ``FakeComms``, reached through a real ``WireServiceDirectory`` (`COMMS_WIRE_ENDPOINTS`).
final class CommsTestMesh: Sendable {
    let mesh: ReadyzMesh
    let fake: FakeComms
    let server: WireServer
    let directory: WireServiceDirectory
    let router: RouterHarness

    /// Starts the comms server, then the Router with `environment` added to its configuration.
    init(environment: [String: String] = [:]) async throws {
        let mesh = try ReadyzMesh()
        let issued = try mesh.ca.issue(
            serviceName: "comms", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let tls = try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM,
            trustRoots: mesh.ca.certificatePEM)
        let server = WireServer(
            host: "127.0.0.1", port: 0, tls: tls, group: mesh.group,
            configuration: WireServer.Configuration(serviceName: "comms"))
        let fake = FakeComms()
        fake.register(on: server)
        try server.start()
        let routerEnvironment = mesh.meshEnvironment
            .merging(["COMMS_WIRE_ENDPOINTS": "127.0.0.1:\(server.port)"]) { $1 }
            .merging(environment) { $1 }
        let config = try RouterConfig(environment: RouterHarness.environment(routerEnvironment))
        guard let directory = try WireServiceDirectory(config: config, group: mesh.group) else {
            throw WireError(.internal, "no directory")
        }
        self.mesh = mesh
        self.fake = fake
        self.server = server
        self.directory = directory
        self.router = try await RouterHarness(environment: routerEnvironment, services: directory)
    }

    /// Stops the Router, the clients, the comms server and the loops.
    func shutdown() async {
        await router.shutdown()
        directory.close()
        await server.shutdownGracefully(timeout: .seconds(1))
        await mesh.shutdown()
    }
}
