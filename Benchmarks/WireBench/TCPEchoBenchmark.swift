import Foundation
import Wire

/// Wire's bare TCP layer (event loops, no TLS, no framing): ping-pong round trips per second of one message in
/// flight over one loopback connection, with the client and the server connection on the same loop and on two
/// loops. With `--echo-limit PATH` (or `WIREBENCH_ECHO_LIMIT`), also runs that compiled `echo_limit` (the C ceiling,
/// `bench/limit/echo_limit.c` of the shared benchmark folder) with the same concurrency, payload and duration.
enum TCPEchoBenchmark {
    static func run(options: BenchOptions) async throws {
        for payload in options.payloads {
            for sameLoop in [true, false] {
                let loops = sameLoop ? "same loop" : "two loops"
                FileHandle.standardError.write(Data("tcp echo: payload=\(payload) \(loops)\n".utf8))
                _ = try await measure(payload: payload, sameLoop: sameLoop, seconds: options.warmup)
                let rate = try await measure(payload: payload, sameLoop: sameLoop, seconds: options.duration)
                BenchOutput.line([
                    ("system", .string("wire-tcp-echo")), ("concurrency", .int(1)), ("payload", .int(payload)),
                    ("calls_per_s", .double(rate)), ("tls", .bool(false)),
                    ("loops", .string(sameLoop ? "same" : "two")), ("duration_s", .double(options.duration)),
                ])
            }
            if let limit = options.echoLimitPath {
                try runLimit(limit, payload: payload, seconds: options.duration)
            }
        }
    }

    /// Round trips per second over `seconds`, the accepted connection on the client's loop or on the other one.
    private static func measure(payload: Int, sameLoop: Bool, seconds: Double) async throws -> Double {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.syncShutdownGracefully() }
        let listener = try TCPListener(host: "127.0.0.1", port: 0, group: group) { _ in Echo() }
        defer { listener.close() }
        // The listener's loop is loops[0]; accepted connections go round robin (`next()`). Hand out loops until
        // the one before the wanted loop came out, so the accepted connection gets the client's loop (loops[0])
        // or the other one (loops[1]).
        let clientLoop = group.loops[0]
        let beforeWanted = group.loops[sameLoop ? 1 : 0]
        while group.next() !== beforeWanted {}
        return try await Task(executorPreference: clientLoop) { () async throws -> Double in
            let pinger = Pinger(payload: payload, seconds: seconds)
            let connection = try await TCPConnector.connect(
                host: "127.0.0.1", port: listener.port, on: clientLoop) { _ in pinger }
            return await pinger.run(on: connection)
        }.value
    }

    /// Runs the C ceiling `path C=1 P=payload D=seconds`; its JSON line goes to stdout as it is.
    private static func runLimit(_ path: String, payload: Int, seconds: Double) throws {
        FileHandle.standardError.write(Data("tcp echo: ceiling \(path) 1 \(payload) \(seconds)\n".utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["1", String(payload), String(seconds)]
        try process.run()
        process.waitUntilExit()
    }
}

/// Echoes every byte back.
private final class Echo: ConnectionHandler, @unchecked Sendable {
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        connection.write(bytes)
    }
}

/// Sends one message, waits for its echo, sends the next; counts round trips until the deadline. Loop thread only.
private final class Pinger: ConnectionHandler, @unchecked Sendable {
    let message: [UInt8]
    let seconds: Double
    var pending = 0
    var rounds = 0
    var deadline = ContinuousClock.now
    var start = ContinuousClock.now
    var done: CheckedContinuation<Double, Never>?

    init(payload: Int, seconds: Double) {
        self.message = [UInt8](repeating: 42, count: payload)
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
        while self.pending >= self.message.count {
            self.pending -= self.message.count
            self.rounds += 1
            if self.rounds & 255 == 0, ContinuousClock.now >= self.deadline {
                self.finish()
                connection.close()
                return
            }
            connection.write(self.message)
        }
    }

    /// A connection lost before the deadline ends the measurement (with what was counted) rather than hanging.
    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.finish()
    }

    /// Answers ``run(on:)`` with the round trips per second so far (once).
    private func finish() {
        let elapsed = ContinuousClock.now - self.start
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        self.done?.resume(returning: Double(self.rounds) / max(total, 1e-9))
        self.done = nil
    }
}
