import Synchronization

/// Token-bucket rate limiting for many keys at once, in bounded memory.
///
/// ```swift
/// let limiter = RateLimiter()
/// let decision = limiter.check(key: .project(projectID), limit: project.rateLimit ?? .projectDefault, now: .now)
/// guard decision.isAllowed else { … 429 RATE_LIMITED, Retry-After: decision.retryAfter … }
/// ```
///
/// - **Memory**: a bucket that has refilled completely is dropped (it is the same as no bucket), a few at a
///   time on every check and all at once with ``evictIdle(now:)``; beyond `capacity` buckets in all, the
///   least recently used bucket of the shard is dropped (that key gets a fresh, full bucket next time).
///   About 100 bytes per bucket: the default 262,144 buckets stay under ~30 MB, whatever the traffic.
/// - **Concurrency**: keys are spread over `shardCount` shards, each behind its own lock, held only for one
///   table operation, so cores rarely wait for each other.
/// - **Time**: the caller passes `now` (a `ContinuousClock` instant); tests drive time by hand.
/// - **Replicas**: each Router replica has its own buckets; project buckets count what they hand out, and
///   ``RateLimitSync`` exchanges those counts through PostgreSQL off the request path, charging each replica's
///   buckets with what the others handed out (`docs/rate-limits.md`).
final class RateLimiter: Sendable {
    private final class Shard: Sendable {
        let table: Mutex<RateLimitBucketTable>
        init(capacity: Int) { table = Mutex(RateLimitBucketTable(capacity: capacity)) }
    }

    /// The default bucket capacity across all shards.
    static let defaultCapacity = 262_144

    private let shards: [Shard]
    private let shardBits: Int
    private let origin: ContinuousClock.Instant

    /// The most buckets held at once across all shards (rounded up to a multiple of the shard count).
    let capacity: Int

    /// Creates a limiter holding at most about `capacity` buckets in `shardCount` shards (rounded up to a power
    /// of two, 1…256). `origin` is any instant at or before the first `now` (it only anchors the arithmetic).
    init(capacity: Int = RateLimiter.defaultCapacity, shardCount: Int = 16, origin: ContinuousClock.Instant = .now) {
        var bits = 0
        while (1 << bits) < min(max(shardCount, 1), 256) { bits += 1 }
        let perShard = max(1, (max(capacity, 1) + (1 << bits) - 1) >> bits)
        self.shardBits = bits
        self.shards = (0..<(1 << bits)).map { _ in Shard(capacity: perShard) }
        self.capacity = perShard << bits
        self.origin = origin
    }

    /// Decides one request of `key` under `limit` at `now`, taking a token when it is allowed.
    func check(key: RateLimitKey, limit: RateLimit, now: ContinuousClock.Instant) -> RateLimitDecision {
        let time = nanoseconds(now)
        return shard(for: key).table.withLock { $0.check(key: key, limit: limit, now: time) }
    }

    /// Decides a request that counts against several budgets (e.g. the client address and the email address
    /// of a magic-link request). When any refuses, no token is taken from the others and that refusal is
    /// returned with the key that refused (so the response can say which limit was met); otherwise a token
    /// is taken from each and the decision with the fewest remaining tokens is returned (an empty list is
    /// allowed, with zeros).
    ///
    /// The budgets are checked one at a time, so two racing requests may both pass where only one should:
    /// an over-admission of at most one request per racing request, acceptable for abuse limits.
    func checkAll(
        _ checks: [(key: RateLimitKey, limit: RateLimit)], now: ContinuousClock.Instant
    ) -> (decision: RateLimitDecision, refusedBy: RateLimitKey?) {
        let time = nanoseconds(now)
        for (key, limit) in checks {
            let preview = shard(for: key).table.withLock { $0.check(key: key, limit: limit, now: time, consume: false) }
            if !preview.isAllowed { return (preview, key) }
        }
        var tightest: RateLimitDecision?
        for (key, limit) in checks {
            let decision = shard(for: key).table.withLock { $0.check(key: key, limit: limit, now: time) }
            if !decision.isAllowed { return (decision, key) }
            if tightest == nil || decision.remaining < tightest!.remaining { tightest = decision }
        }
        let allowAll = RateLimitDecision(isAllowed: true, limit: 0, remaining: 0, reset: 0, retryAfter: nil)
        return (tightest ?? allowAll, nil)
    }

    /// Drops every bucket that has refilled completely by `now` (call it every minute or so to return memory
    /// after a burst of distinct keys); returns how many were dropped.
    @discardableResult
    func evictIdle(now: ContinuousClock.Instant) -> Int {
        let time = nanoseconds(now)
        return shards.reduce(0) { total, shard in total + shard.table.withLock { $0.evictIdle(now: time) } }
    }

    /// The tokens each project bucket handed out since the last call (``RateLimitSync`` reports them to the
    /// other replicas).
    func drainConsumption() -> [RateLimitKey: Int] {
        var totals: [RateLimitKey: Int] = [:]
        for shard in shards { shard.table.withLock { $0.drainConsumption(into: &totals) } }
        return totals
    }

    /// Takes `tokens` handed out by other replicas from `key`'s bucket under `limit` (at most emptying it).
    func charge(key: RateLimitKey, tokens: Int, limit: RateLimit, now: ContinuousClock.Instant) {
        let time = nanoseconds(now)
        shard(for: key).table.withLock { $0.charge(key: key, tokens: tokens, limit: limit, now: time) }
    }

    /// Buckets held across all shards.
    var bucketCount: Int {
        shards.reduce(0) { total, shard in total + shard.table.withLock { $0.count } }
    }

    private func shard(for key: RateLimitKey) -> Shard {
        guard shardBits > 0 else { return shards[0] }
        // Fibonacci hashing: take the top bits of the mixed hash, independent of the bits the tables use.
        let mixed = UInt64(bitPattern: Int64(key.hashValue)) &* 0x9E37_79B9_7F4A_7C15
        return shards[Int(mixed >> UInt64(64 - shardBits))]
    }

    private func nanoseconds(_ now: ContinuousClock.Instant) -> Int64 {
        let (seconds, attoseconds) = (now - origin).components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
