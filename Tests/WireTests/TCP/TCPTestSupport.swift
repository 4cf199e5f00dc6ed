import Synchronization
import Testing

@testable import Wire

/// Echoes every byte back.
final class TCPEchoHandler: ConnectionHandler, @unchecked Sendable {
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        connection.write(bytes)
    }
}

/// Records what happens to one connection; tests await conditions on it. All of its state lives on the
/// connection's loop: use it from a task whose executor preference is that loop.
final class TCPProbe: ConnectionHandler, @unchecked Sendable {
    let loop: EventLoop
    var received: [UInt8] = []
    var reads = 0
    var isActive = false
    var closed = false
    var closeError: (any Error)?
    var inputClosed = false
    var writability: [Bool] = []
    var connection: Connection?
    /// Called for every chunk received, after it was recorded.
    var onReceive: ((Connection, UnsafeRawBufferPointer) -> Void)?
    private var waiters: [Int: (condition: (TCPProbe) -> Bool, continuation: CheckedContinuation<Bool, Never>)] = [:]
    private var nextWaiter = 0

    init(loop: EventLoop) { self.loop = loop }

    func connectionActive(_ connection: Connection) {
        self.connection = connection
        self.isActive = true
        self.check()
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.reads += 1
        self.received.append(contentsOf: bytes)
        self.onReceive?(connection, bytes)
        self.check()
    }

    func connectionWritabilityChanged(_ connection: Connection, writable: Bool) {
        self.writability.append(writable)
        self.check()
    }

    func connectionInputClosed(_ connection: Connection) {
        self.inputClosed = true
        connection.close()
        self.check()
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.closed = true
        self.closeError = error
        self.check()
    }

    /// Waits (on the loop) until `condition` holds; false if `timeout` passed first.
    func until(timeout: Duration = .seconds(10), _ condition: @escaping (TCPProbe) -> Bool) async -> Bool {
        precondition(self.loop.inEventLoop, "TCPProbe.until must run on the probe's loop")
        if condition(self) { return true }
        let id = self.nextWaiter
        self.nextWaiter += 1
        return await withCheckedContinuation { continuation in
            self.waiters[id] = (condition, continuation)
            _ = self.loop.scheduleOnLoop(after: timeout) { [self] in
                self.waiters.removeValue(forKey: id)?.continuation.resume(returning: false)
            }
        }
    }

    private func check() {
        for (id, waiter) in self.waiters where waiter.condition(self) {
            self.waiters.removeValue(forKey: id)
            waiter.continuation.resume(returning: true)
        }
    }
}

/// Collects the handlers a listener creates (from any loop).
final class TCPProbeBox: Sendable {
    private let probes = Mutex<[TCPProbe]>([])
    func add(_ probe: TCPProbe) { self.probes.withLock { $0.append(probe) } }
    var all: [TCPProbe] { self.probes.withLock { $0 } }
}

/// Runs `body` on `loop` (as a task with executor preference), so it may touch connections and probes.
func tcpTestRun<T: Sendable>(
    on loop: EventLoop, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await Task(executorPreference: loop) { try await body() }.value
}

/// Bytes `0, 1, 2, …` wrapping at 251 (a prime, so chunk boundaries never line up with the pattern).
func tcpTestPattern(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8($0 % 251) }
}
