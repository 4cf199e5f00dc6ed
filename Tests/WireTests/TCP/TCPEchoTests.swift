import Testing

@testable import Wire

@Suite("TCP echo")
struct TCPEchoTests {
    @Test func listenerOnPortZeroReportsTheBoundPort() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        #expect(listener.port > 0)
        #expect(listener.localAddress.host == "127.0.0.1")
        #expect(listener.localAddress.description == "127.0.0.1:\(listener.port)")
        listener.close()
        await group.shutdownGracefully()
    }

    @Test func ipv6LoopbackEchoes() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        // Some sandboxes have no IPv6 loopback; nothing to test there.
        guard let listener = try? TCPListener(host: "::1", port: 0, group: group, handler: { _ in TCPEchoHandler() })
        else { return }
        #expect(listener.localAddress.isIPv6 && listener.localAddress.description == "[::1]:\(listener.port)")
        let loop = group.loops[0]
        let echoed = try await tcpTestRun(on: loop) { () async throws -> [UInt8] in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "::1", port: listener.port, on: loop) { _ in probe }
            client.write([1, 2, 3])
            _ = await probe.until { $0.received.count >= 3 }
            client.close()
            return probe.received
        }
        #expect(echoed == [1, 2, 3])
    }

    @Test func manyWritesInOneTickLeaveInOneSend() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let loop = group.loops[0]
        let servers = TCPProbeBox()
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            probe.onReceive = { connection, bytes in connection.write(bytes) }
            servers.add(probe)
            return probe
        }
        let (echoed, serverReads) = try await tcpTestRun(on: loop) { () async throws -> ([UInt8], Int) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            let message = tcpTestPattern(1000)
            for start in stride(from: 0, to: 1000, by: 10) {  // 100 writes, one tick
                if start % 20 == 0 {
                    client.write(Array(message[start..<start + 10]))
                } else {
                    client.write { $0.append(contentsOf: message[start..<start + 10]) }
                }
            }
            _ = await probe.until { $0.received.count >= 1000 }
            let serverReads = servers.all.first?.reads ?? -1
            client.close()
            return (probe.received, serverReads)
        }
        #expect(echoed == tcpTestPattern(1000))
        // One send of 1000 bytes arrives as one read (two at most, if the kernel split it).
        #expect(serverReads >= 1 && serverReads <= 2)
        listener.close()
    }

    @Test func megabytePayloadEchoesAcrossLoops() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        let loop = group.loops[0]
        let payload = tcpTestPattern(1 << 20)
        let (echoed, wasWritable, isWritable) = try await tcpTestRun(on: loop) { () async throws -> ([UInt8], Bool, Bool) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            client.write(payload)
            let wasWritable = client.isWritable  // above the high water mark at once
            _ = await probe.until(timeout: .seconds(30)) { $0.received.count >= payload.count }
            let isWritable = client.isWritable
            client.close()
            return (probe.received, wasWritable, isWritable)
        }
        #expect(!wasWritable && isWritable)
        #expect(echoed.count == payload.count)
        #expect(echoed == payload)
        listener.close()
    }

    @Test func twoHundredConcurrentConnections() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        let results = try await withThrowingTaskGroup(of: Bool.self) { tasks in
            for index in 0..<200 {
                let loop = group.next()
                tasks.addTask(executorPreference: loop) {
                    let probe = TCPProbe(loop: loop)
                    let client = try await TCPConnector.connect(
                        host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
                    let message = (0..<64).map { UInt8(truncatingIfNeeded: index &+ $0) }
                    client.write(message)
                    let done = await probe.until { $0.received.count >= 64 }
                    client.close()
                    return done && probe.received == message
                }
            }
            var results: [Bool] = []
            for try await result in tasks { results.append(result) }
            return results
        }
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 })
        listener.close()
    }
}
