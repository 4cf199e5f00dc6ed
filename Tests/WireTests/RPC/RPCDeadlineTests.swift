import Testing

@testable import Wire

@Suite("RPC deadlines and cancellation")
struct RPCDeadlineTests {
    @Test func slowServerFailsAtTheDeadline() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        _ = try await client.echo.echo(EchoMessage(), rpcContext())  // connect first: time only the call
        let start = ContinuousClock.now
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.sleep, .init(milliseconds: 5_000), rpcContext(deadline: .milliseconds(200)))
        }
        let elapsed = ContinuousClock.now - start
        #expect(error?.code == .deadlineExceeded)
        #expect(elapsed >= .milliseconds(190))
        #expect(elapsed < .milliseconds(1_500))
        // The server cancels its handler at its own copy of the deadline (and the client's CANCEL).
        #expect(await server.probe.wait { $0.cancelled == 1 })
        #expect(server.probe.finished == 0)
        await client.stop()
        await server.stop()
    }

    @Test func expiredDeadlineFailsLocallyWithoutRunningTheHandler() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let context = CallContext(requestID: "late", deadline: .now - .milliseconds(1))
        let error = await rpcWireError {
            _ = try await client.client.call(RPCTestMethods.sleep, .init(milliseconds: 0), context)
        }
        #expect(error?.code == .deadlineExceeded)
        #expect(server.probe.started == 0)
        await client.stop()
        await server.stop()
    }

    @Test func zeroRemainingTimeOnTheWireNeverRunsTheHandler() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let group = try EventLoopGroup(loopCount: 1)
        let (peer, connection) = try await RPCRawPeer.connect(port: server.port, group: group, tls: try mesh.client("router"))
        connection.rpcSend { encoder in
            try encoder.appendHello(Frame.Hello())
            // A deadline that has passed when the frame is written: remaining time 0.
            try encoder.appendRequest(
                callID: 1, method: RPCTestMethods.sleep.name,
                context: CallContext(requestID: "r", deadline: .now - .seconds(1)),
                encoding: RPCTestMethods.SleepRequest(milliseconds: 0))
        }
        #expect(await peer.wait { $0.contains { if case .error(1, let error) = $0 { error.code == .deadlineExceeded } else { false } } })
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.probe.started == 0)
        connection.eventLoop.execute { connection.close() }
        await group.shutdownGracefully()
        await server.stop()
    }

    @Test func cancellingTheCallerCancelsTheServerHandler() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let task = Task {
            try await client.client.call(RPCTestMethods.sleep, .init(milliseconds: 10_000), rpcContext())
        }
        #expect(await server.probe.wait { $0.started == 1 })
        let start = ContinuousClock.now
        task.cancel()
        let error = await rpcWireError { _ = try await task.value }
        #expect(error?.code == .cancelled)
        #expect(await server.probe.wait(timeout: .seconds(2)) { $0.cancelled == 1 })
        #expect(ContinuousClock.now - start < .seconds(2))
        // The connection carries on.
        #expect(try await client.echo.echo(EchoMessage(text: "ok"), rpcContext()).text == "ok")
        await client.stop()
        await server.stop()
    }

    @Test func alreadyCancelledTaskFailsWithoutSending() async throws {
        let mesh = try RPCTestMesh()
        let server = try RPCTestServer(mesh: mesh)
        let client = try RPCTestClient(mesh: mesh, ports: [server.port])
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.client.call(RPCTestMethods.sleep, .init(milliseconds: 0), rpcContext())
        }
        let error = await rpcWireError { _ = try await task.value }
        #expect(error?.code == .cancelled)
        try await Task.sleep(for: .milliseconds(50))
        #expect(server.probe.started == 0)
        await client.stop()
        await server.stop()
    }
}
