import Testing

@testable import Wire

@Suite("RPC concurrency")
struct RPCConcurrencyTests {
    @Test func thousandConcurrentCallsOnOneConnection() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh, loops: 2)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port], loops: 1)
        let echo = client.echo
        let mismatches = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let message = EchoMessage(text: "call \(index)", payload: [UInt8](repeating: UInt8(index % 256), count: index % 64))
                    return try await echo.echo(message, rpcContext("r\(index)", deadline: .seconds(30))) == message
                }
            }
            var mismatches = 0
            for try await matched in group where !matched { mismatches += 1 }
            return mismatches
        }
        #expect(mismatches == 0)
        #expect(server.server.state.withLock { $0.connections.count } == 1)
        await client.stop()
        await server.stop()
    }

    @Test func clientQueuesBeyondTheServersConcurrencyLimit() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh, configuration: .init(maxConcurrentCalls: 2))
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let rpc = client.client
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask { _ = try await rpc.call(RPCTestMethods.sleep, .init(milliseconds: 20), rpcContext()) }
            }
            try await group.waitForAll()
        }
        #expect(server.probe.finished == 10)
        #expect(server.probe.maxRunning <= 2)
        await client.stop()
        await server.stop()
    }

    @Test func serverRefusesCallsBeyondItsLimit() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh, configuration: .init(maxConcurrentCalls: 2))
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in
            try encoder.appendHello(Frame.Hello())
            for id in UInt32(1)...3 {
                try encoder.appendRequest(callID: id, method: RPCTestMethods.sleep.name, context: CallContext(requestID: "r"),
                                          encoding: RPCTestMethods.SleepRequest(milliseconds: 200))
            }
        }
        #expect(await peer.wait { $0.contains { if case .error(3, let error) = $0 { error.code == .resourceExhausted } else { false } } })
        #expect(await peer.wait { frames in
            frames.filter { if case .response = $0 { true } else { false } }.count == 2
        })
        connection.eventLoop.execute { connection.close() }
        await group.shutdownGracefully()
        await server.stop()
    }
}
