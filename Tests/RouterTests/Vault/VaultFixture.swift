import Foundation
import Synchronization
import ServiceKit
import Testing
import Wire
@testable import Router

/// An ``IdentityFixture`` (a Router with a ``FakeIdentity`` for bearer keys, and one project) with a
/// ``FakeVault`` on the same mesh, over mTLS.
final class VaultFixture: Sendable {
    let identity: IdentityFixture
    let vault: FakeVault
    let vaultServer: WireServer

    init() async throws {
        let vault = FakeVault()
        let started = Mutex<WireServer?>(nil)
        identity = try await IdentityFixture { mesh in
            let issued = try mesh.ca.issue(serviceName: "vault", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
            let tls = try TLSContext.server(
                certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: mesh.ca.certificatePEM)
            let server = WireServer(
                host: "127.0.0.1", port: 0, tls: tls, group: mesh.group, configuration: WireServer.Configuration(serviceName: "vault"))
            vault.register(on: server)
            try server.start()
            started.withLock { $0 = server }
            return ["VAULT_WIRE_ENDPOINTS": "127.0.0.1:\(server.port)"]
        }
        self.vault = vault
        self.vaultServer = try #require(started.withLock { $0 })
    }

    var router: RouterHarness { identity.router }
    var project: (id: String, publishable: String, secret: String) { identity.project }

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
        try identity.identity.token(FakeIdentity.claims(project: project.id, sub: sub))
    }

    func shutdown() async {
        await vaultServer.shutdownGracefully(timeout: .seconds(1))
        await identity.shutdown()
    }
}
