import Testing

@testable import Wire

@Suite("RPC round trips")
struct RPCRoundTripTests {
    @Test func echoRoundTripOverMutualTLS() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let message = EchoMessage(text: "héllo", payload: (0..<4096).map { UInt8($0 % 251) })
        let reply = try await client.echo.echo(message, rpcContext())
        #expect(reply == message)
        let health = try await HealthContract.Client(client.client).ping(rpcContext("readyz", deadline: .seconds(5)))
        #expect(health.status == "serving")
        await client.stop()
        await server.stop()
    }

    @Test func contextTravelsAndCallerComesFromTheCertificate() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port], caller: "router")
        let context = CallContext(requestID: "req-9", projectID: "prj_1", subject: "user-7",
                                  callerService: "billing", deadline: .now + .seconds(10))
        let seen = try await client.client.call(RPCTestMethods.whoAmI, EchoMessage(), context)
        #expect(seen == RPCTestMethods.SeenContext(
            requestID: "req-9", projectID: "prj_1", subject: "user-7", callerService: "router", hasDeadline: true))
        await client.stop()
        await server.stop()
    }

    @Test func wireErrorsPropagateWithDetails() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.fail, .init(wire: true), rpcContext())
        }
        #expect(error == WireError(.notFound, "no such user", details: ["user": "7"]))
        await client.stop()
        await server.stop()
    }

    @Test func otherErrorsBecomeInternalWithoutLeaking() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.fail, .init(wire: false), rpcContext())
        }
        #expect(error?.code == .internal)
        #expect(error?.message == "internal error")
        #expect(error?.details == nil)
        #expect(server.probe.handlerErrors == ["test.Fail"])
        // The connection is still fine.
        #expect(try await client.echo.echo(EchoMessage(text: "after"), rpcContext()).text == "after")
        await client.stop()
        await server.stop()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.missing, EchoMessage(), rpcContext())
        }
        #expect(error?.code == .unimplemented)
        await client.stop()
        await server.stop()
    }

    @Test func callerNotAllowedIsPermissionDenied() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let router = try RPCTestClient(mesh: mesh, ports: [server.port], caller: "router")
        let billing = try RPCTestClient(mesh: mesh, ports: [server.port], caller: "billing")
        let error = await rpcWireError {
            _ = try await router.client.call(RPCTestMethods.billingOnly, EchoMessage(text: "x"), rpcContext())
        }
        #expect(error?.code == .permissionDenied)
        let reply = try await billing.client.call(RPCTestMethods.billingOnly, EchoMessage(text: "x"), rpcContext())
        #expect(reply.text == "x")
        await router.stop()
        await billing.stop()
        await server.stop()
    }

    @Test func undecodableBodyIsInvalidArgument() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.echoWithWrongBody, 42, rpcContext())
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.details?["reason"] != nil)
        await client.stop()
        await server.stop()
    }

    @Test func callerOnTheClientsLoopStaysOnIt() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port], loops: 2)
        let loop = client.group.loops[1]
        let stayed = try await Task(executorPreference: loop) { () async throws -> Bool in
            var stayed = true
            for index in 0..<20 {
                _ = try await client.echo.echo(EchoMessage(text: "\(index)"), rpcContext())
                stayed = stayed && loop.inEventLoop
            }
            return stayed
        }.value
        #expect(stayed)
        await client.stop()
        await server.stop()
    }
}
