/// How long a client waits before it tries an endpoint again after failing to reach it: exponential
/// backoff with jitter, as a pure value (STYLE.md §4). Times are monotonic nanoseconds, passed in.
///
/// The first failure waits about `initial`, each further consecutive failure doubles that, up to
/// `maximum`; each delay is drawn from `[delay × (1 − jitter), delay]` so that clients that lost a server
/// together do not come back in lockstep. A connection that worked and then dropped (a restart) may be
/// retried at once.
struct ReconnectBackoff: Sendable, Hashable {
    /// The first delay.
    let initial: UInt64
    /// The longest delay.
    let maximum: UInt64
    /// The fraction of each delay that is random, 0…1.
    let jitter: Double
    /// Consecutive failed attempts.
    private(set) var failures = 0
    /// No attempt before this instant.
    private(set) var retryAt: UInt64 = 0

    /// Creates a backoff policy with no failures yet.
    init(initial: Duration, maximum: Duration, jitter: Double) {
        self.initial = max(EventLoop.nanoseconds(initial), 1)
        self.maximum = max(EventLoop.nanoseconds(maximum), self.initial)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// Whether an attempt may start at `now`.
    func mayAttempt(at now: UInt64) -> Bool {
        now >= self.retryAt
    }

    /// The delay after `failures` consecutive failures, with `random` in 0..<1 choosing the jitter.
    func delay(afterFailures failures: Int, random: Double) -> UInt64 {
        guard failures > 0 else { return 0 }
        let doublings = min(failures - 1, 40)
        let (scaled, overflow) = self.initial.multipliedReportingOverflow(by: 1 << UInt64(doublings))
        let base = overflow ? self.maximum : min(scaled, self.maximum)
        let cut = Double(base) * self.jitter * min(max(random, 0), 1)
        return base - UInt64(cut)
    }

    /// An attempt failed at `now`: the next one waits longer. Returns the delay chosen.
    @discardableResult
    mutating func attemptFailed(at now: UInt64, random: Double) -> UInt64 {
        self.failures += 1
        let delay = self.delay(afterFailures: self.failures, random: random)
        self.retryAt = now &+ delay
        return delay
    }

    /// A connection was established: the slate is clean.
    mutating func attemptSucceeded() {
        self.failures = 0
        self.retryAt = 0
    }

    /// A working connection dropped: try again at once (the next failure starts the backoff).
    mutating func connectionLost() {
        self.retryAt = 0
    }
}
