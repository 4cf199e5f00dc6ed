import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

/// A Router replica wired to a ``FakeIdentity`` over mTLS, with the key cache and the denylist running as they
/// do under `main`, and one project (publishable and secret keys).
final class IdentityFixture: Sendable {
    let mesh: ReadyzMesh
    let identity: FakeIdentity
    let directory: WireServiceDirectory
    let router: RouterHarness
    let refreshers: [Task<Void, Never>]
    let project: (id: String, publishable: String, secret: String)

    /// `services` starts more in-test services on the mesh and returns their `<NAME>_WIRE_ENDPOINTS`.
    init(services: (ReadyzMesh) throws -> [String: String] = { _ in [:] }) async throws {
        let mesh = try ReadyzMesh()
        let identity = try FakeIdentity(mesh: mesh)
        let environment = mesh.meshEnvironment
            .merging(["IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identity.server.port)"]) { $1 }
            .merging(try services(mesh)) { $1 }
        let config = try RouterConfig(environment: RouterHarness.environment(environment))
        let directory = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        let router = try await RouterHarness(environment: environment, services: directory)
        self.refreshers = router.app.identityServices.map { service in Task { try? await service.run() } }
        self.mesh = mesh
        self.identity = identity
        self.directory = directory
        self.router = router
        self.project = try await router.createProject()
        // Ready once the keys are loaded and a revocations poll has succeeded.
        let start = ContinuousClock.now
        while router.app.identityKeys.current == nil || router.app.sessionDenylist.status(of: "-", now: Date()) == .stale {
            guard ContinuousClock.now - start < .seconds(30) else { throw WireError(.unavailable, "fake identity not reached") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends with the project's publishable key (or `key`) and `Authorization: Bearer token`.
    func send(
        _ method: String, _ target: String, token: String?, key: String? = nil, body: String? = nil
    ) async throws -> TestHTTPClient.Response {
        var headers = ["X-API-Key": key ?? self.project.publishable]
        if let token { headers["Authorization"] = "Bearer " + token }
        return try await self.router.send(method, target, headers: headers, body: body)
    }

    func shutdown() async {
        for task in self.refreshers { task.cancel() }
        for task in self.refreshers { await task.value }
        await self.router.shutdown()
        await self.identity.server.shutdownGracefully(timeout: .seconds(1))
        self.directory.close()
        await self.mesh.shutdown()
    }
}
