/// One shard's token buckets: a hash table of GCRA states with an intrusive least-recently-used list and a
/// hard capacity. A pure value (no locks, no clock): ``RateLimiter`` owns one per shard behind a lock.
///
/// Each bucket is one number, its "theoretical arrival time" `tat` (in nanoseconds on the limiter's clock):
/// the moment the bucket would be full again. Tokens at `now` are `burst − max(0, tat − now) / interval`,
/// so a bucket with `tat ≤ now` is full and indistinguishable from a missing one: it can be dropped at any
/// time without changing a decision. That is how idle buckets are evicted; the capacity is the backstop.
struct RateLimitBucketTable {
    private struct Entry {
        var key: RateLimitKey
        var tat: Int64
        var older: Int32
        var newer: Int32
    }

    private static let none: Int32 = -1

    /// The most buckets kept; inserting beyond it evicts the least recently used one.
    let capacity: Int
    private var slots: [RateLimitKey: Int32] = [:]
    private var entries: [Entry] = []
    private var free: [Int32] = []
    /// Most recently used.
    private var newest: Int32 = Self.none
    /// Least recently used.
    private var oldest: Int32 = Self.none

    /// Creates an empty table holding at most `capacity` (≥ 1) buckets.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Buckets held.
    var count: Int { slots.count }

    /// Decides one request of `key` under `limit` at `now`, taking a token when allowed (and, when `consume`
    /// is false, only reporting what would happen). Also drops up to two idle buckets at the old end.
    mutating func check(key: RateLimitKey, limit: RateLimit, now: Int64, consume: Bool = true) -> RateLimitDecision {
        let slot = slots[key]
        let tat = slot.map { entries[Int($0)].tat } ?? now
        let backlog = max(0, tat - now)
        let interval = limit.interval
        let allowed = backlog <= limit.tolerance
        let decision: RateLimitDecision
        if allowed {
            let newBacklog = backlog + interval
            decision = RateLimitDecision(
                isAllowed: true, limit: limit.burst,
                remaining: max(0, limit.burst - Int(Self.ceilDivide(newBacklog, interval))),
                reset: Int(Self.ceilDivide(newBacklog, 1_000_000_000)), retryAfter: nil)
            if consume { store(key: key, slot: slot, tat: now + newBacklog) }
        } else {
            decision = RateLimitDecision(
                isAllowed: false, limit: limit.burst, remaining: 0,
                reset: Int(Self.ceilDivide(backlog, 1_000_000_000)),
                retryAfter: max(1, Int(Self.ceilDivide(backlog - limit.tolerance, 1_000_000_000))))
            if consume, let slot { touch(slot) }
        }
        if consume { evictIdleAtOldEnd(now: now, budget: 2) }
        return decision
    }

    /// Drops every bucket that is full again at `now`; returns how many.
    mutating func evictIdle(now: Int64) -> Int {
        let idle = slots.values.filter { entries[Int($0)].tat <= now }
        for slot in idle { remove(slot) }
        return idle.count
    }

    private mutating func store(key: RateLimitKey, slot: Int32?, tat: Int64) {
        if let slot {
            entries[Int(slot)].tat = tat
            touch(slot)
            return
        }
        if slots.count >= capacity, oldest != Self.none { remove(oldest) }
        let entry = Entry(key: key, tat: tat, older: newest, newer: Self.none)
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            entries[Int(slot)] = entry
        } else {
            slot = Int32(entries.count)
            entries.append(entry)
        }
        if newest != Self.none { entries[Int(newest)].newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
        slots[key] = slot
    }

    private mutating func evictIdleAtOldEnd(now: Int64, budget: Int) {
        for _ in 0..<budget {
            guard oldest != Self.none, entries[Int(oldest)].tat <= now else { return }
            remove(oldest)
        }
    }

    /// Moves `slot` to the newest end.
    private mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        entries[Int(slot)].older = newest
        entries[Int(slot)].newer = Self.none
        if newest != Self.none { entries[Int(newest)].newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
    }

    private mutating func remove(_ slot: Int32) {
        unlink(slot)
        slots[entries[Int(slot)].key] = nil
        free.append(slot)
    }

    private mutating func unlink(_ slot: Int32) {
        let entry = entries[Int(slot)]
        if entry.older != Self.none { entries[Int(entry.older)].newer = entry.newer } else { oldest = entry.newer }
        if entry.newer != Self.none { entries[Int(entry.newer)].older = entry.older } else { newest = entry.older }
    }

    /// ⌈a / b⌉ for a ≥ 0, b > 0.
    private static func ceilDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a <= 0 ? 0 : (a - 1) / b + 1
    }
}
