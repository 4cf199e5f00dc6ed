import Foundation
import Testing

@testable import Wire

#if canImport(Glibc)
import Glibc
#endif

@Suite("TCP lifecycle")
struct TCPLifecycleTests {
    @Test func connectToAClosedPortIsRefused() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        let port = listener.port
        listener.close()
        try await Task.sleep(for: .milliseconds(20))
        await #expect(throws: SocketError(errno: ECONNREFUSED, syscall: "connect")) {
            _ = try await TCPConnector.connect(host: "127.0.0.1", port: port, on: group.loops[0]) { _ in TCPEchoHandler() }
        }
    }

    @Test func connectTimesOutWhenThePeerNeverAnswers() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        // A listener that never accepts: once its queue is full, the kernel drops further SYNs.
        let peer = try RawPeer(backlog: 1)
        var fillers: [CInt] = []
        defer { fillers.forEach { _ = Glibc.close($0) } }
        for _ in 0..<8 { fillers.append(peer.connectNonBlocking()) }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        await #expect(throws: TCPError.connectTimeout) {
            _ = try await TCPConnector.connect(
                host: "127.0.0.1", port: peer.port, on: group.loops[0], timeout: .milliseconds(200)
            ) { _ in TCPEchoHandler() }
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func idleTimeoutClosesASilentPeerButNotABusyOne() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let loop = group.loops[0]
        let servers = TCPProbeBox()
        let options = ConnectionOptions(idleTimeout: .milliseconds(400))
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group, options: options) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            servers.add(probe)
            return probe
        }
        let outcome = try await tcpTestRun(on: loop) { () async throws -> (Bool, Bool, String) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            // Busy for 600 ms (a byte every 50 ms): stays open well past the timeout…
            var last = ContinuousClock.now
            var longestGap = Duration.zero
            for _ in 0..<12 {
                client.write([0])
                try await Task.sleep(for: .milliseconds(50))
                longestGap = max(longestGap, ContinuousClock.now - last)
                last = .now
            }
            // …unless the machine was too loaded to keep the pace (then this run can't tell).
            let openWhileBusy = !probe.closed || longestGap > .milliseconds(300)
            // Then silent: closed by the server.
            let closed = await probe.until(timeout: .seconds(5)) { $0.closed }
            let serverError = servers.all.first.map { String(describing: $0.closeError) } ?? "none"
            return (openWhileBusy, closed, serverError)
        }
        #expect(outcome.0)
        #expect(outcome.1)
        #expect(outcome.2.contains("idle"))
        listener.close()
    }

    @Test func peerClosingMidStreamIsReportedOnce() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let loop = group.loops[0]
        let servers = TCPProbeBox()
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { connection in
            let probe = TCPProbe(loop: connection.eventLoop)
            servers.add(probe)
            return probe
        }
        let (serverBytes, serverClosed, clientClosed) = try await tcpTestRun(on: loop) { () async throws -> (Int, Bool, Bool) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            client.write(tcpTestPattern(100))  // half of a 200-byte "message"
            client.flush()
            client.abort()
            let clientClosed = probe.closed
            try await Task.sleep(for: .milliseconds(20))
            guard let server = servers.all.first else { return (0, false, clientClosed) }
            let closed = await server.until { $0.closed }
            return (server.received.count, closed, clientClosed)
        }
        #expect(serverBytes == 100)
        #expect(serverClosed)
        #expect(clientClosed)
        listener.close()
    }

    @Test func halfClosedPeerStillGetsTheReply() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let loop = group.loops[0]
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in ReplyOnEOF() }
        let (reply, closed) = try await tcpTestRun(on: loop) { () async throws -> ([UInt8], Bool) in
            let probe = TCPProbe(loop: loop)
            let client = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            client.write([1, 2, 3])
            client.flush()
            _ = Glibc.shutdown(client.fd, CInt(SHUT_WR))
            let closed = await probe.until { $0.closed }
            return (probe.received, closed)
        }
        #expect(reply == Array("got 3 bytes".utf8))
        #expect(closed)
        listener.close()
    }

    @Test func slowReaderTurnsTheWriterUnwritableThenWritable() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.syncShutdownGracefully() }
        let loop = group.loops[0]
        let peer = try RawPeer(backlog: 4)
        let total = 16 << 20  // more than the kernel buffers of a never-read socket hold
        let probe = TCPProbe(loop: loop)
        let client = try await TCPConnector.connect(host: "127.0.0.1", port: peer.port, on: loop) { _ in probe }
        let unwritable = try await tcpTestRun(on: loop) { () async throws -> [Bool] in
            client.write([UInt8](repeating: 7, count: total))
            try await Task.sleep(for: .milliseconds(100))  // the kernel buffers fill, the rest waits
            return probe.writability
        }
        #expect(unwritable == [false])
        let drained = await peer.acceptAndRead(count: total)
        #expect(drained == total)
        let final = try await tcpTestRun(on: loop) { () async throws -> [Bool] in
            _ = await probe.until { $0.writability.count == 2 }
            client.close()
            return probe.writability
        }
        #expect(final == [false, true])
    }

    @Test func shuttingDownTheGroupClosesConnections() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.loops[0]
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        let probe = try await tcpTestRun(on: loop) { () async throws -> TCPProbe in
            let probe = TCPProbe(loop: loop)
            _ = try await TCPConnector.connect(host: "127.0.0.1", port: listener.port, on: loop) { _ in probe }
            return probe
        }
        await group.shutdownGracefully()
        #expect(probe.closed)
        #expect(probe.closeError as? TCPError == .eventLoopShutdown)
    }
}

/// Replies with the number of bytes received once the peer half-closes, then closes.
private final class ReplyOnEOF: ConnectionHandler, @unchecked Sendable {
    var count = 0
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.count += bytes.count
    }
    func connectionInputClosed(_ connection: Connection) {
        connection.write(Array("got \(self.count) bytes".utf8))
        connection.close()
    }
}

/// A plain blocking listening socket on 127.0.0.1 that accepts only when told to.
private final class RawPeer: @unchecked Sendable {
    let fd: CInt
    let port: Int

    init(backlog: CInt) throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        _ = address.withSockAddr { bind(fd, $0, $1) }
        _ = listen(fd, backlog)
        self.fd = fd
        self.port = SocketAddress.of(socket: fd, peer: false)?.port ?? 0
    }

    deinit { _ = Glibc.close(self.fd) }

    /// Starts a non-blocking connect to this peer and returns the socket.
    func connectNonBlocking() -> CInt {
        let client = socket(AF_INET, CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0)
        let address = try! SocketAddress(ipAddress: "127.0.0.1", port: self.port)
        _ = address.withSockAddr { connect(client, $0, $1) }
        return client
    }

    /// Accepts one connection on a separate thread and reads until `count` bytes or EOF.
    func acceptAndRead(count: Int) async -> Int {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let connection = accept(self.fd, nil, nil)
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                var total = 0
                while total < count {
                    let n = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    total += n
                }
                _ = Glibc.close(connection)
                continuation.resume(returning: total)
            }
        }
    }
}
