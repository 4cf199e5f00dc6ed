import Testing
@testable import Router

@Suite("RateLimiter")
struct RateLimiterTests {
    fileprivate static let t0 = ContinuousClock.now

    fileprivate static func at(_ seconds: Double) -> ContinuousClock.Instant {
        t0 + .milliseconds(Int64((seconds * 1000).rounded()))
    }

    @Test("the default project budget: a burst of 200, then 429 with headers")
    func burstThenRefusal() {
        let limiter = RateLimiter(origin: Self.t0)
        let key = RateLimitKey.project("proj_a")
        let first = limiter.check(key: key, limit: .projectDefault, now: Self.at(0))
        #expect(first == RateLimitDecision(isAllowed: true, limit: 200, remaining: 199, reset: 1, retryAfter: nil))
        var last = first
        for _ in 1..<200 { last = limiter.check(key: key, limit: .projectDefault, now: Self.at(0)) }
        #expect(last.isAllowed)
        #expect(last.remaining == 0)
        #expect(last.reset == 2)  // 200 tokens at 100/s

        let refused = limiter.check(key: key, limit: .projectDefault, now: Self.at(0))
        #expect(refused == RateLimitDecision(isAllowed: false, limit: 200, remaining: 0, reset: 2, retryAfter: 1))
        #expect(refused.headers.map(\.name) == ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"])
        #expect(refused.headers.map(\.value) == ["200", "0", "2", "1"])
        #expect(first.headers.count == 3)
    }

    @Test("tokens come back over injected time")
    func refill() {
        let limiter = RateLimiter(origin: Self.t0)
        let key = RateLimitKey.project("proj_r")
        let limit = RateLimit(perSecond: 10, burst: 5)
        for _ in 0..<5 { #expect(limiter.check(key: key, limit: limit, now: Self.at(0)).isAllowed) }
        #expect(!limiter.check(key: key, limit: limit, now: Self.at(0)).isAllowed)
        #expect(!limiter.check(key: key, limit: limit, now: Self.at(0.05)).isAllowed)  // half a token
        let one = limiter.check(key: key, limit: limit, now: Self.at(0.1))
        #expect(one.isAllowed)
        #expect(one.remaining == 0)
        #expect(!limiter.check(key: key, limit: limit, now: Self.at(0.1)).isAllowed)
        // After 0.5 s more, the bucket is full again: 5 at once.
        let full = limiter.check(key: key, limit: limit, now: Self.at(0.6))
        #expect(full.remaining == 4)
        #expect(full.reset == 1)  // 0.1 s rounds up
    }

    @Test("Retry-After is the wait for one token, rounded up, at least 1")
    func retryAfter() {
        let limiter = RateLimiter(origin: Self.t0)
        let key = RateLimitKey.email("a@b.example")
        let slow = RateLimit(perSecond: 1.0 / 60, burst: 2)  // 1 a minute
        #expect(limiter.check(key: key, limit: slow, now: Self.at(0)).isAllowed)
        #expect(limiter.check(key: key, limit: slow, now: Self.at(0)).isAllowed)
        let refused = limiter.check(key: key, limit: slow, now: Self.at(0))
        #expect(refused.retryAfter == 60)
        #expect(refused.reset == 120)
        let later = limiter.check(key: key, limit: slow, now: Self.at(59.5))
        #expect(later.retryAfter == 1)
        #expect(!later.isAllowed)
        #expect(limiter.check(key: key, limit: slow, now: Self.at(60)).isAllowed)
    }

    @Test("each project has its own bucket and its own limit")
    func perProject() {
        let limiter = RateLimiter(origin: Self.t0)
        let small = RateLimit(perSecond: 1, burst: 2)
        let big = RateLimit(perSecond: 1000, burst: 1000)
        #expect(limiter.check(key: .project("a"), limit: small, now: Self.at(0)).isAllowed)
        #expect(limiter.check(key: .project("a"), limit: small, now: Self.at(0)).isAllowed)
        #expect(!limiter.check(key: .project("a"), limit: small, now: Self.at(0)).isAllowed)
        let b = limiter.check(key: .project("b"), limit: big, now: Self.at(0))
        #expect(b.isAllowed)
        #expect(b.limit == 1000)
        #expect(b.remaining == 999)
        // Same string in another scope is another bucket.
        #expect(limiter.check(key: .address("a"), limit: small, now: Self.at(0)).isAllowed)
        #expect(limiter.check(key: .email("a"), limit: small, now: Self.at(0)).isAllowed)
    }

    @Test("a raised limit applies at once to an existing bucket")
    func limitChange() {
        let limiter = RateLimiter(origin: Self.t0)
        let key = RateLimitKey.project("p")
        for _ in 0..<2 { _ = limiter.check(key: key, limit: RateLimit(perSecond: 1, burst: 2), now: Self.at(0)) }
        #expect(!limiter.check(key: key, limit: RateLimit(perSecond: 1, burst: 2), now: Self.at(0)).isAllowed)
        #expect(limiter.check(key: key, limit: RateLimit(perSecond: 1, burst: 10), now: Self.at(0)).isAllowed)
    }

    @Test("checkAll takes nothing when one budget refuses, and names it")
    func checkAll() {
        let limiter = RateLimiter(origin: Self.t0)
        let perAddress = RateLimit(perSecond: 1, burst: 10)
        let perEmail = RateLimit(perSecond: 1.0 / 3600, burst: 1)
        let address = RateLimitKey.address("192.0.2.7")
        let first = limiter.checkAll([(address, perAddress), (.email("X@Example.com"), perEmail)], now: Self.at(0))
        #expect(first.decision.isAllowed)
        #expect(first.refusedBy == nil)
        #expect(first.decision.remaining == 0)  // the tighter of the two
        let second = limiter.checkAll([(address, perAddress), (.email(" x@example.COM "), perEmail)], now: Self.at(0))
        #expect(!second.decision.isAllowed)
        #expect(second.refusedBy == .email("x@example.com"))
        #expect(second.decision.retryAfter == 3600)
        // The address bucket lost only the first token.
        #expect(limiter.check(key: address, limit: perAddress, now: Self.at(0)).remaining == 8)
    }

    @Test("a million distinct keys never hold more buckets than the cap")
    func boundedMemory() {
        let limiter = RateLimiter(capacity: 4096, shardCount: 16, origin: Self.t0)
        let limit = RateLimit(perSecond: 1, burst: 5)
        let now = Self.at(0)
        var maximum = 0
        for index in 0..<1_000_000 {
            _ = limiter.check(key: .project(String(index)), limit: limit, now: now)
            if index % 100_000 == 0 { maximum = max(maximum, limiter.bucketCount) }
        }
        maximum = max(maximum, limiter.bucketCount)
        #expect(maximum <= limiter.capacity)
        #expect(limiter.capacity == 4096)
        // The most recent keys are still tracked.
        #expect(limiter.check(key: .project("999999"), limit: limit, now: now).remaining == 3)
    }

    @Test("idle (refilled) buckets are evicted")
    func idleEviction() {
        let limiter = RateLimiter(capacity: 10_000, origin: Self.t0)
        let limit = RateLimit(perSecond: 10, burst: 10)
        for index in 0..<1000 { _ = limiter.check(key: .address("10.0.\(index / 256).\(index % 256)"), limit: limit, now: Self.at(0)) }
        #expect(limiter.bucketCount == 1000)
        #expect(limiter.evictIdle(now: Self.at(0.05)) == 0)  // not full yet
        #expect(limiter.evictIdle(now: Self.at(0.1)) == 1000)  // one token back each: full
        #expect(limiter.bucketCount == 0)

        // Steady traffic of new keys, each idle again after 0.1 s: the amortised sweep (two at the old end of the
        // checked shard per check) keeps the table near the ~10 live buckets without evictIdle.
        let single = RateLimiter(capacity: 10_000, shardCount: 1, origin: Self.t0)
        for index in 0..<1000 {
            _ = single.check(key: .project("p\(index)"), limit: limit, now: Self.at(1 + Double(index) * 0.01))
            _ = limiter.check(key: .project("p\(index)"), limit: limit, now: Self.at(1 + Double(index) * 0.01))
        }
        #expect(single.bucketCount <= 12)
        #expect(limiter.bucketCount <= 60)  // 16 shards: each sweeps only when touched
    }

    @Test("out-of-range limits are clamped")
    func clamping() {
        #expect(RateLimit(perSecond: 0, burst: 0).burst == 1)
        #expect(RateLimit(perSecond: -1, burst: 5).perSecond == 1.0 / 86_400)
        #expect(RateLimit(perSecond: .infinity, burst: 1_000_000_000).burst == 100_000)
        #expect(RateLimit(perSecond: .nan, burst: 1).perSecond == 1)
        let extreme = RateLimit(perSecond: 0, burst: .max)
        #expect(extreme.tolerance > 0)
    }

    @Test("concurrent checks on one key admit exactly the burst")
    func concurrent() async {
        let limiter = RateLimiter(origin: Self.t0)
        let limit = RateLimit(perSecond: 1.0 / 3600, burst: 100)
        let now = Self.at(0)
        let admitted = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    (0..<100).reduce(0) { count, _ in
                        count + (limiter.check(key: .project("shared"), limit: limit, now: now).isAllowed ? 1 : 0)
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 100)
    }

    @Test("project buckets count what they hand out; other replicas' use is charged, with a bounded debt")
    func consumptionAndCharges() {
        let limiter = RateLimiter(origin: Self.t0)
        let limit = RateLimit(perSecond: 10, burst: 10)
        for _ in 0..<3 { _ = limiter.check(key: .project("p1"), limit: limit, now: Self.at(0)) }
        _ = limiter.check(key: .project("p1", kind: .publishable), limit: limit, now: Self.at(0))
        _ = limiter.check(key: .address("192.0.2.1"), limit: limit, now: Self.at(0))
        #expect(limiter.drainConsumption() == [.project("p1"): 3, .project("p1", kind: .publishable): 1])
        #expect(limiter.drainConsumption().isEmpty, "drained")
        // Another replica handed out 5: 2 are left of the 7.
        limiter.charge(key: .project("p1"), tokens: 5, limit: limit, now: Self.at(0))
        #expect(limiter.check(key: .project("p1"), limit: limit, now: Self.at(0)).remaining == 1)
        // A charge beyond the capacity puts the bucket into debt, of one second's refill at most: the first
        // token is back after 1.1 s (the debt, then one interval), not after 100 s.
        limiter.charge(key: .project("p2"), tokens: 1000, limit: limit, now: Self.at(0))
        #expect(!limiter.check(key: .project("p2"), limit: limit, now: Self.at(1.05)).isAllowed)
        #expect(limiter.check(key: .project("p2"), limit: limit, now: Self.at(1.1)).isAllowed)
        // An evicted bucket's count is still reported.
        limiter.evictIdle(now: Self.at(10))
        #expect(limiter.bucketCount == 0)
        #expect(limiter.drainConsumption() == [.project("p1"): 1, .project("p2"): 1])
    }
}
