import Foundation
import Testing

@testable import Wire

/// A figure for the integrator, not a check: 64-byte ping-pong round trips per second over one connection.
/// Run with `WIRE_LOOP_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter TCPEchoBenchmark`;
/// compare with `/work/shared/bench/limit/echo_limit.c` (`echo_limit 1 64 3`).
@Suite("TCP echo benchmark", .enabled(if: ProcessInfo.processInfo.environment["WIRE_LOOP_BENCH"] != nil))
struct TCPEchoBenchmark {
    @Test(arguments: [true, false])
    func roundTrips(sameLoop: Bool) async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in TCPEchoHandler() }
        // The listener's loop is loops[0]; accepted connections go round robin starting after it.
        let clientLoop = group.loops[0]
        // Advance the round robin so the accepted connection lands on the loop we want.
        let other = group.loops[sameLoop ? 1 : 0]
        while group.next() !== other {}
        let seconds = 2.0
        let rate = try await tcpTestRun(on: clientLoop) { () async throws -> Double in
            let pinger = Pinger(loop: clientLoop, seconds: seconds)
            let connection = try await TCPConnector.connect(
                host: "127.0.0.1", port: listener.port, on: clientLoop) { _ in pinger }
            return await pinger.run(on: connection)
        }
        print("wire-loop echo 64 B, concurrency 1, \(sameLoop ? "same loop" : "two loops"): \(Int(rate)) round trips/s")
        listener.close()
    }
}

private final class Pinger: ConnectionHandler, @unchecked Sendable {
    let loop: EventLoop
    let seconds: Double
    let message = [UInt8](repeating: 42, count: 64)
    var pending = 0
    var rounds = 0
    var deadline = ContinuousClock.now
    var start = ContinuousClock.now
    var done: CheckedContinuation<Double, Never>?

    init(loop: EventLoop, seconds: Double) {
        self.loop = loop
        self.seconds = seconds
    }

    func run(on connection: Connection) async -> Double {
        await withCheckedContinuation { continuation in
            self.done = continuation
            self.start = .now
            self.deadline = self.start + .seconds(self.seconds)
            connection.write(self.message)
        }
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.pending += bytes.count
        while self.pending >= 64 {
            self.pending -= 64
            self.rounds += 1
            if self.rounds & 255 == 0, ContinuousClock.now >= self.deadline {
                let elapsed = ContinuousClock.now - self.start
                let rate = Double(self.rounds) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                connection.close()
                self.done?.resume(returning: rate)
                self.done = nil
                return
            }
            connection.write(self.message)
        }
    }
}
