import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("Router /readyz over Wire", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct ReadyzTests {
    @Test("200 while identity answers its ping; 503 naming identity within a second of it going away")
    func identityUpThenDown() async throws {
        let mesh = try ReadyzMesh()
        let identity = try mesh.startServer("identity")
        let environment = mesh.meshEnvironment.merging(["IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identity.port)"]) { $1 }
        let config = try RouterConfig(environment: RouterHarness.environment(environment))
        let directory = try #require(try WireServiceDirectory(config: config, group: mesh.group))
        let router = try await RouterHarness(environment: environment, services: directory)

        let ready = try await router.send("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.text == #"{"status":"ok","services":{"identity":"ok"}}"#)
        #expect(ready.header("Retry-After") == nil)

        await identity.shutdownGracefully(timeout: .seconds(1))
        let start = ContinuousClock.now
        let down = try await router.send("GET", "/readyz")
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(down.status == 503)
        #expect(down.text == #"{"status":"down","services":{"identity":"unavailable"}}"#)
        #expect(down.header("Retry-After") == "1")

        await router.shutdown()
        directory.close()
        await mesh.shutdown()
    }
}
