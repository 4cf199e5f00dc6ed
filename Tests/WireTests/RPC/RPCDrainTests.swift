import Testing

@testable import Wire

@Suite("RPC graceful drain")
struct RPCDrainTests {
    @Test func callsInFlightFinishAndNewCallsAreRefused() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let rpc = client.client
        let inFlight = Task {
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await rpc.call(RPCTestMethods.sleep, .init(milliseconds: 400), rpcContext()).text }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(await server.probe.wait { $0.started == 3 })
        let start = ContinuousClock.now
        let shutdown = Task { await server.server.shutdownGracefully(timeout: .seconds(10)) }
        // Once the GOAWAY is in, new calls are refused at once (one endpoint, and it is leaving). Until the
        // drain reaches the connection (a loaded machine may take a while) they still succeed.
        var refused: WireError?
        let end = ContinuousClock.now + .seconds(5)
        while refused == nil, ContinuousClock.now < end {
            do {
                _ = try await client.echo.echo(EchoMessage(), rpcContext())
                try await Task.sleep(for: .milliseconds(10))
            } catch let error as WireError {
                refused = error
            }
        }
        #expect(refused?.code == .unavailable)
        #expect(try await inFlight.value == ["slept", "slept", "slept"])
        await shutdown.value
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(server.server.state.withLock { $0.connections.isEmpty && $0.finished })
        await client.stop()
        await server.stop()
    }

    @Test func newCallsGoToTheOtherEndpoint() async throws {
        let mesh = try RPCTestMesh()
        let first = try RPCTestServer(mesh: mesh)
        let second = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [first.port, second.port])
        let rpc = client.client
        // Load both endpoints so each has a connection.
        for index in 0..<10 { _ = try await client.echo.echo(EchoMessage(text: "\(index)"), rpcContext()) }
        let slow = Task { try await rpc.call(RPCTestMethods.sleep, .init(milliseconds: 300), rpcContext()) }
        #expect(await first.probe.wait { $0.started + second.probe.started == 1 })
        let drained = first.probe.started == 1 ? first : second
        let shutdown = Task { await drained.server.shutdownGracefully(timeout: .seconds(10)) }
        for index in 0..<50 {
            #expect(try await client.echo.echo(EchoMessage(text: "\(index)"), rpcContext()).text == "\(index)")
        }
        #expect(try await slow.value.text == "slept")
        await shutdown.value
        await client.stop()
        await first.stop()
        await second.stop()
    }

    @Test func drainTimeoutFailsWhatRemains() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let rpc = client.client
        let stuck = Task { try await rpc.call(RPCTestMethods.sleep, .init(milliseconds: 30_000), rpcContext()) }
        #expect(await server.probe.wait { $0.started == 1 })
        let start = ContinuousClock.now
        await server.server.shutdownGracefully(timeout: .milliseconds(200))
        #expect(ContinuousClock.now - start < .seconds(3))
        let error = await rpcWireError { _ = try await stuck.value }
        #expect(error?.code == .unavailable)
        #expect(await server.probe.wait { $0.cancelled == 1 })
        await client.stop()
        await server.stop()
    }
}
