import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

/// A Router in front of a ``FakeIdentity`` (bearer keys) and a ``FakeVault``, both over mTLS, with one
/// project; the key cache and denylist run as under `main`.
final class VaultFixture: Sendable {
    let mesh: ReadyzMesh
    let identity: FakeIdentity
    let vault: FakeVault
    let vaultServer: WireServer
    let directory: WireServiceDirectory
    let router: RouterHarness
    let refreshers: [Task<Void, Never>]
    let project: (id: String, publishable: String, secret: String)

    init() async throws {
        let mesh = try ReadyzMesh()
        let identity = try FakeIdentity(mesh: mesh)
        let issued = try mesh.ca.issue(serviceName: "vault", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let tls = try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: mesh.ca.certificatePEM)
        let vaultServer = WireServer(
            host: "127.0.0.1", port: 0, tls: tls, group: mesh.group, configuration: WireServer.Configuration(serviceName: "vault"))
        let vault = FakeVault()
        vault.register(on: vaultServer)
        try vaultServer.start()
        let environment = mesh.meshEnvironment.merging([
            "IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identity.server.port)", "VAULT_WIRE_ENDPOINTS": "127.0.0.1:\(vaultServer.port)",
        ]) { $1 }
        let config = try RouterConfig(environment: RouterHarness.environment(environment))
        let directory = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        let router = try await RouterHarness(environment: environment, services: directory)
        self.refreshers = router.app.identityServices.map { service in Task { try? await service.run() } }
        self.mesh = mesh
        self.identity = identity
        self.vault = vault
        self.vaultServer = vaultServer
        self.directory = directory
        self.router = router
        self.project = try await router.createProject()
        let start = ContinuousClock.now
        while router.app.identityKeys.current == nil || router.app.sessionDenylist.status(of: "-", now: Date()) == .stale {
            guard ContinuousClock.now - start < .seconds(30) else { throw WireError(.unavailable, "fake identity not reached") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends with `key` (default the secret one) and, when given, `Authorization: Bearer token`.
    func send(
        _ method: String, _ target: String, key: String? = nil, token: String? = nil, body: String? = nil,
        headers extra: [String: String] = [:]
    ) async throws -> TestHTTPClient.Response {
        var headers = ["X-API-Key": key ?? project.secret].merging(extra) { $1 }
        if let token { headers["Authorization"] = "Bearer " + token }
        return try await router.send(method, target, headers: headers, body: body)
    }

    /// A valid access token of the project's user `sub`.
    func token(sub: String = "usr_1") throws -> String {
        try identity.token(FakeIdentity.claims(project: project.id, sub: sub))
    }

    func shutdown() async {
        for task in refreshers { task.cancel() }
        for task in refreshers { await task.value }
        await router.shutdown()
        await identity.server.shutdownGracefully(timeout: .seconds(1))
        await vaultServer.shutdownGracefully(timeout: .seconds(1))
        directory.close()
        await mesh.shutdown()
    }
}
