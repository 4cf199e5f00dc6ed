/// Dead-peer detection for one Wire connection (`docs/wire.md` §6.4), as a pure value: the connection
/// reports when bytes arrive and runs the actions its timer asks for. Times are monotonic nanoseconds,
/// passed in, so tests drive the clock.
///
/// When nothing has arrived for `interval`, send a PING; if still nothing has arrived `timeout` after
/// that PING, the peer is dead: close the connection and fail its calls with `unavailable`.
struct LivenessMonitor: Sendable, Hashable {
    /// What the connection does when its liveness timer fires.
    enum Action: Sendable, Hashable {
        /// Nothing; check again after `after` nanoseconds.
        case wait(after: UInt64)
        /// Send a PING with this data, then check again after `after` nanoseconds.
        case sendPing(UInt64, checkAfter: UInt64)
        /// The peer has been silent through a PING and its timeout: close the connection.
        case peerDead
    }

    /// Silence, in nanoseconds, after which a PING goes out.
    let interval: UInt64
    /// Nanoseconds a PING may go unanswered (by any frame) before the peer is considered dead.
    let timeout: UInt64
    /// When bytes last arrived.
    private(set) var lastReceived: UInt64
    /// When the PING now outstanding was sent, if one is.
    private(set) var pingSentAt: UInt64?
    private var pingCounter: UInt64 = 0

    /// Starts watching at `now` (counts as having just heard from the peer).
    init(interval: Duration, timeout: Duration, now: UInt64) {
        self.interval = max(EventLoop.nanoseconds(interval), 1_000_000)
        self.timeout = max(EventLoop.nanoseconds(timeout), 1_000_000)
        self.lastReceived = now
    }

    /// Bytes arrived from the peer.
    @inline(__always)
    mutating func received(at now: UInt64) {
        self.lastReceived = now
    }

    /// The nanoseconds until the first check.
    var firstCheck: UInt64 { self.interval }

    /// The timer fired: decide what to do, and when to look again.
    mutating func timerFired(at now: UInt64) -> Action {
        if let sentAt = self.pingSentAt {
            if self.lastReceived >= sentAt {
                self.pingSentAt = nil  // the peer spoke after our PING: alive
            } else if now &- sentAt >= self.timeout {
                return .peerDead
            } else {
                return .wait(after: sentAt &+ self.timeout &- now)
            }
        }
        let idle = now >= self.lastReceived ? now - self.lastReceived : 0
        if idle >= self.interval {
            self.pingSentAt = now
            self.pingCounter &+= 1
            return .sendPing(self.pingCounter, checkAfter: self.timeout)
        }
        return .wait(after: self.interval - idle)
    }
}
