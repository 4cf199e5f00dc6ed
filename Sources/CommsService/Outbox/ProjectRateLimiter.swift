import Synchronization

/// A token bucket per project (rate `r` per second, burst `r`): the outbox's fair-use bound, so one
/// project's burst cannot take every worker. Per process: with N replicas a project may send N × r.
final class ProjectRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private let rate: Double
    private let burst: Double
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let buckets = Mutex<[String: Bucket]>([:])

    /// Creates a limiter allowing `ratePerSecond` sends per second per project, with bursts of as many.
    init(ratePerSecond: Double, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.rate = max(ratePerSecond, 0.001)
        self.burst = max(ratePerSecond, 1)
        self.clock = clock
    }

    /// Takes a token for `projectID`: nil if one was available, else how long until the next one.
    func acquire(_ projectID: String) -> Duration? {
        let now = clock()
        return buckets.withLock { buckets -> Duration? in
            var bucket = buckets[projectID] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + max(seconds, 0) * rate)
            bucket.updated = now
            defer {
                buckets[projectID] = bucket
                // Full buckets carry no information: forget them so idle projects cost nothing.
                if buckets.count > 10_000 { buckets = buckets.filter { $0.value.tokens < burst } }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return .milliseconds(Int64(((1 - bucket.tokens) / rate * 1000).rounded(.up)))
        }
    }
}
