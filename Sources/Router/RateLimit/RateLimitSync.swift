import ServiceKit

/// Makes a project's budget hold across all Router replicas together, without a database round trip on any
/// request: each replica decides from its own buckets in memory, and every ``interval`` this service
///
/// 1. takes the tokens each project bucket handed out since the last round (``RateLimiter/drainConsumption()``),
/// 2. adds them to the project's shared total in PostgreSQL and reads the totals back, in one statement
///    (``RateLimitUsageStore``), for every project this replica used within ``trackedFor``,
/// 3. charges its own bucket with what the others handed out meanwhile (the total's growth minus its own).
///
/// So each replica's bucket drains at the rate of all replicas' traffic, and together they admit about
/// `per_second`. Exactness, failure behaviour and the arithmetic: `docs/rate-limits.md` ("With N Router
/// replicas"). A failed round keeps its counts and sends them with the next one.
struct RateLimitSync: Service {
    /// The replica's buckets.
    let limiter: RateLimiter
    /// The budgets (a charge needs the bucket's limit).
    let limits: ProjectLimits
    /// The shared totals.
    let store: RateLimitUsageStore
    /// Where failures are reported.
    let logger: Logger
    /// How often the counts are exchanged.
    var interval: Duration = .milliseconds(200)
    /// How long a project stays tracked (its total read every round) after this replica last used it.
    var trackedFor: Duration = .seconds(60)

    /// One replica's view: the last total seen per key and when this replica last used the key.
    struct State {
        var baselines: [String: (total: Int64, key: RateLimitKey, used: ContinuousClock.Instant)] = [:]
        /// Counts of failed rounds, sent with the next.
        var unsent: [RateLimitKey: Int] = [:]
    }

    func run() async throws {
        var state = State()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { break }
            await round(&state)
        }
        await round(&state)  // hand this replica's last counts to the others
    }

    /// One exchange (tests call it directly).
    func round(_ state: inout State) async {
        let now = ContinuousClock.now
        var used = state.unsent
        for (key, tokens) in limiter.drainConsumption() { used[key, default: 0] += tokens }
        var deltas: [String: Int] = [:]
        for (key, tokens) in used {
            let name = key.description
            deltas[name] = tokens
            state.baselines[name]?.used = now
        }
        state.baselines = state.baselines.filter { now - $0.value.used < trackedFor }
        for name in state.baselines.keys where deltas[name] == nil { deltas[name] = 0 }
        guard !deltas.isEmpty else { return }
        let totals: [String: Int64]
        do {
            totals = try await store.exchange(deltas)
            state.unsent = [:]
        } catch {
            state.unsent = used
            logger.warning("rate limit sync failed", metadata: [.errorType: .errorType(error)])
            return
        }
        let keys = Dictionary(used.map { ($0.key.description, $0.key) }) { first, _ in first }
        for (name, total) in totals {
            let mine = Int64(deltas[name] ?? 0)
            guard let baseline = state.baselines[name] else {
                if let key = keys[name] { state.baselines[name] = (total, key, now) }
                continue
            }
            state.baselines[name]?.total = total
            let others = total - baseline.total - mine
            guard others > 0 else { continue }
            let key = baseline.key
            limiter.charge(
                key: key, tokens: Int(clamping: others),
                limit: limits.limit(for: key.value, kind: key.scope == .publishable ? .publishable : .secret), now: now)
        }
    }
}
