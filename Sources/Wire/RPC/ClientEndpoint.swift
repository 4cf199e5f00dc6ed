import Synchronization

/// One endpoint of a ``WireClient``: its load (calls outstanding, read by the least-outstanding picker
/// from any thread), its reconnect backoff, and one connection slot per event loop.
final class ClientEndpoint: Sendable {
    let address: WireEndpoint
    /// Calls assigned here and not finished.
    let outstanding = Atomic<Int>(0)
    /// Monotonic nanoseconds before which no new connection is attempted (0: any time). A copy of
    /// `backoff.retryAt`, readable without the lock on every call.
    private let retryAt = Atomic<UInt64>(0)
    private let backoff: Mutex<ReconnectBackoff>
    /// One slot per loop of the client's group, by loop index.
    let slots: [ClientConnectionSlot]

    init(address: WireEndpoint, loops: [EventLoop], configuration: WireClient.Configuration) {
        self.address = address
        self.backoff = Mutex(ReconnectBackoff(
            initial: configuration.reconnectBackoffInitial, maximum: configuration.reconnectBackoffMaximum,
            jitter: configuration.reconnectJitter))
        self.slots = loops.map { ClientConnectionSlot(loop: $0) }
    }

    /// Whether a call may be routed here now (connected, or allowed to try connecting).
    @inline(__always)
    func isAvailable(now: UInt64) -> Bool {
        now >= self.retryAt.load(ordering: .relaxed)
    }

    /// A connection attempt failed: back off.
    func attemptFailed() {
        let now = Posix.monotonicNanoseconds()
        let next = self.backoff.withLock { backoff -> UInt64 in
            backoff.attemptFailed(at: now, random: Double.random(in: 0..<1))
            return backoff.retryAt
        }
        self.retryAt.store(next, ordering: .relaxed)
    }

    /// A connection is up (HELLO answered).
    func attemptSucceeded() {
        self.backoff.withLock { $0.attemptSucceeded() }
        self.retryAt.store(0, ordering: .relaxed)
    }

    /// A working connection dropped: the next call may reconnect at once.
    func connectionLost() {
        self.backoff.withLock { $0.connectionLost() }
        self.retryAt.store(0, ordering: .relaxed)
    }
}
