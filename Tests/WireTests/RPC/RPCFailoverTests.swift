import Testing

@testable import Wire

@Suite("RPC failover")
struct RPCFailoverTests {
    private static let quickBackoff = WireClient.Configuration(
        reconnectBackoffInitial: .milliseconds(20), reconnectBackoffMaximum: .milliseconds(100))

    @Test func reconnectsAfterTheServerRestartsOnTheSamePort() async throws {
        let mesh = try RPCTestMesh()
        let first = try RPCTestServer(mesh: mesh)
        let port = first.port
        let client = try RPCTestClient(mesh: mesh, ports: [port], configuration: Self.quickBackoff)
        #expect(try await client.echo.echo(EchoMessage(text: "one"), rpcContext()).text == "one")
        await first.stop()
        let down = await rpcWireError { _ = try await client.echo.echo(EchoMessage(), rpcContext()) }
        #expect(down?.code == .unavailable)
        let second = try RPCTestServer(mesh: mesh, port: port)
        var reply: EchoMessage?
        let end = ContinuousClock.now + .seconds(5)
        while reply == nil, ContinuousClock.now < end {
            reply = try? await client.echo.echo(EchoMessage(text: "two"), rpcContext())
            if reply == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(reply?.text == "two")
        await client.stop()
        await second.stop()
    }

    @Test func oneEndpointDownCallsSucceedViaTheOther() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let dead = try RPCRefusingPort()
        let client = try RPCTestClient(mesh: mesh, ports: [dead.port, server.port], loops: 2)
        for index in 0..<40 {
            #expect(try await client.echo.echo(EchoMessage(text: "\(index)"), rpcContext()).text == "\(index)")
        }
        await client.stop()
        await server.stop()
        withExtendedLifetime(dead) {}
    }

    @Test func noReachableEndpointFailsFast() async throws {
        let mesh = try RPCTestMesh()
        let refusing = (try RPCRefusingPort(), try RPCRefusingPort())
        // A connect timeout far above the bound: failing fast must not depend on it.
        let client = try RPCTestClient(mesh: mesh, ports: [refusing.0.port, refusing.1.port],
                                       configuration: WireClient.Configuration(connectTimeout: .seconds(10)))
        for _ in 0..<5 {
            let start = ContinuousClock.now
            let error = await rpcWireError { _ = try await client.echo.echo(EchoMessage(), rpcContext()) }
            #expect(error?.code == .unavailable)
            // Typically < 5 ms. The bound only proves the call did not wait for the 10 s connect timeout: tests
            // run in parallel on 2 cores, and CPU-heavy neighbours can delay this task by seconds.
            #expect(ContinuousClock.now - start < .seconds(8))
        }
        await client.stop()
        withExtendedLifetime(refusing) {}
    }

    @Test func deadPeerIsDetectedByPing() async throws {
        let mesh = try RPCTestMesh()
        let serverGroup = try EventLoopGroup(loopCount: 1)
        // A server that answers HELLO, then never says anything again (not even PONG).
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: serverGroup, tls: try mesh.server("echo")) { _ in
            RPCRawPeer(answerHello: true)
        }
        let client = try RPCTestClient(mesh: mesh, ports: [listener.port], configuration: WireClient.Configuration(
            pingInterval: .milliseconds(100), pingTimeout: .milliseconds(200)))
        let start = ContinuousClock.now
        // With a deadline, a broken ping would end as deadlineExceeded (and fail below), never as a hang.
        let error = await rpcWireError { _ = try await client.echo.echo(EchoMessage(), rpcContext(deadline: .seconds(20))) }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .unavailable)
        #expect(error?.details?["cause"]?.contains("PING") == true)
        #expect(elapsed >= .milliseconds(250))
        await client.stop()
        listener.close()
        await serverGroup.shutdownGracefully()
    }

    @Test func serverPingsASilentClient() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh, configuration: .init(pingInterval: .milliseconds(100), pingTimeout: .milliseconds(200)))
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in try encoder.appendHello(Frame.Hello()) }
        // The raw peer never answers PING: the server pings, then closes.
        #expect(await peer.wait { $0.contains { if case .ping = $0 { true } else { false } } })
        #expect(await peer.wait(timeout: .seconds(3)) { _ in peer.isClosed })
        await group.shutdownGracefully()
        await server.stop()
    }
}
