/// One shard's token buckets: a hash table of GCRA states with an intrusive least-recently-used list and a
/// hard capacity. A pure value (no locks, no clock): ``RateLimiter`` owns one per shard behind a lock.
///
/// Each bucket is one number, its "theoretical arrival time" `tat` (in nanoseconds on the limiter's clock):
/// the moment the bucket would be full again. Tokens at `now` are `burst − max(0, tat − now) / interval`,
/// so a bucket with `tat ≤ now` is full and indistinguishable from a missing one: it can be dropped at any
/// time without changing a decision. That is how idle buckets are evicted; the capacity is the backstop.
///
/// A project bucket also counts the tokens it hands out (`consumed`, reported to the other replicas by
/// ``RateLimitSync``); an evicted bucket's count is kept aside until the next drain.
struct RateLimitBucketTable {
    private struct Entry {
        var key: RateLimitKey
        var tat: Int64
        var older: Int32
        var newer: Int32
        /// Tokens a project bucket handed out since the last ``drainConsumption(into:)`` (for the other replicas).
        var consumed: Int32 = 0
    }

    private static let none: Int32 = -1

    /// The most buckets kept; inserting beyond it evicts the least recently used one.
    let capacity: Int
    private var slots: [RateLimitKey: Int32] = [:]
    private var entries: [Entry] = []
    private var free: [Int32] = []
    /// Slots whose `consumed` went from 0 to 1 since the last drain (a slot may be listed twice after reuse).
    private var dirty: [Int32] = []
    /// The counts of evicted buckets, until the next drain (at most `capacity` keys).
    private var orphaned: [RateLimitKey: Int] = [:]
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
            if consume {
                let stored = store(key: key, slot: slot, tat: now + newBacklog)
                if key.isProject { count(stored) }
            }
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

    /// Adds the tokens each project bucket handed out since the last call to `totals`, and starts counting again.
    mutating func drainConsumption(into totals: inout [RateLimitKey: Int]) {
        for slot in dirty where entries[Int(slot)].consumed > 0 {
            totals[entries[Int(slot)].key, default: 0] += Int(entries[Int(slot)].consumed)
            entries[Int(slot)].consumed = 0
        }
        dirty.removeAll(keepingCapacity: true)
        for (key, tokens) in orphaned { totals[key, default: 0] += tokens }
        orphaned.removeAll()
    }

    /// Takes `tokens` that other replicas handed out from `key`'s bucket under `limit` at `now`; a key without a
    /// bucket gets one. The bucket may go into debt (it refuses until its refill has paid for the others' use:
    /// that is what keeps all replicas together at `per_second`), but by no more than one second's refill or
    /// one burst, whichever is more, so a storm elsewhere cannot lock a project out for long.
    mutating func charge(key: RateLimitKey, tokens: Int, limit: RateLimit, now: Int64) {
        guard tokens > 0 else { return }
        let slot = slots[key]
        let tat = max(slot.map { entries[Int($0)].tat } ?? now, now)
        let debt = max(Int64(limit.burst) * limit.interval, 1_000_000_000)
        let deepest = now + limit.tolerance + limit.interval + debt
        let charged = Int64(min(tokens, Int(Int32.max))) * limit.interval
        _ = store(key: key, slot: slot, tat: max(tat, min(tat + charged, deepest)))
    }

    private mutating func count(_ slot: Int32) {
        if entries[Int(slot)].consumed == 0 {
            // Never drained (no sync running): keep the list to the slots that have counts.
            if dirty.count >= 2 * capacity { dirty = slots.values.filter { entries[Int($0)].consumed > 0 } }
            dirty.append(slot)
        }
        entries[Int(slot)].consumed &+= 1
    }

    @discardableResult
    private mutating func store(key: RateLimitKey, slot: Int32?, tat: Int64) -> Int32 {
        if let slot {
            entries[Int(slot)].tat = tat
            touch(slot)
            return slot
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
        return slot
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
        let entry = entries[Int(slot)]
        if entry.consumed > 0, orphaned.count < capacity || orphaned[entry.key] != nil {
            orphaned[entry.key, default: 0] += Int(entry.consumed)
        }
        entries[Int(slot)].consumed = 0
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
