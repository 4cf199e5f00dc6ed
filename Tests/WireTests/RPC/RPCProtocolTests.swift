import Testing

@testable import Wire

@Suite("RPC connection protocol")
struct RPCProtocolTests {
    @Test func helloIsAnsweredWithOneVersionAndSettings() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh, configuration: .init(maxConcurrentCalls: 7))
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in
            try encoder.appendHello(Frame.Hello(versions: [1, 7, 9]))
            encoder.appendPing(42)
        }
        #expect(await peer.wait { $0.count >= 2 })
        guard case .hello(let hello) = peer.received.first else {
            Issue.record("expected HELLO first, got \(peer.received)")
            return
        }
        #expect(hello.versions == [1])
        #expect(hello.settings.maxConcurrentCalls == 7)
        #expect(peer.received.dropFirst().first == .pong(42))
        connection.eventLoop.execute { connection.close() }
        await group.shutdownGracefully()
        await server.stop()
    }

    @Test func noCommonVersionGetsGoAwayUnimplemented() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in try encoder.appendHello(Frame.Hello(versions: [2, 3])) }
        #expect(await peer.wait { $0.contains { if case .goAway(let g) = $0 { g.code == .unimplemented && g.lastCallID == 0 } else { false } } })
        #expect(await peer.wait { _ in peer.isClosed })
        await group.shutdownGracefully()
        await server.stop()
    }

    @Test func requestBeforeHelloIsAConnectionError() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in
            try encoder.appendRequest(callID: 1, method: "echo.Echo", context: CallContext(requestID: "r"), encoding: EchoMessage())
        }
        #expect(await peer.wait { $0.contains { if case .goAway(let g) = $0 { g.code == .invalidArgument } else { false } } })
        #expect(await peer.wait { _ in peer.isClosed })
        #expect(server.probe.started == 0)
        await group.shutdownGracefully()
        await server.stop()
    }

    @Test func callIDsMustGrow() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in
            try encoder.appendHello(Frame.Hello())
            try encoder.appendRequest(callID: 5, method: "echo.Echo", context: CallContext(requestID: "r"), encoding: EchoMessage())
            try encoder.appendRequest(callID: 5, method: "echo.Echo", context: CallContext(requestID: "r"), encoding: EchoMessage())
        }
        #expect(await peer.wait { $0.contains { if case .goAway(let g) = $0 { g.code == .invalidArgument && g.lastCallID == 5 } else { false } } })
        #expect(await peer.wait { _ in peer.isClosed })
        await group.shutdownGracefully()
        await server.stop()
    }
}
