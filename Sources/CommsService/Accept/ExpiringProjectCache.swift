import Synchronization

/// A value per project kept for ``timeToLive`` so an accept reads nothing before its commit (the email settings,
/// WhatsApp's instance choice). A change on this replica drops the project's entry (read-your-writes here);
/// another replica's change is seen within ``timeToLive``. A load that overlaps a drop is not kept, so a value
/// older than the change is never cached after it. At most ``capacity`` projects are held (then it starts over).
///
/// ```swift
/// let value = try await cache.use(projectID: project, load: { try await store.settings(projectID: project) }) { $0 }
/// cache.drop(projectID: project)        // after saving
/// ```
final class ExpiringProjectCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation = 0
    }

    /// How long an entry is used.
    let timeToLive: Duration
    /// The most projects held.
    let capacity: Int
    private let state = Mutex(State())

    /// An empty cache.
    init(timeToLive: Duration = .seconds(1), capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// Runs `body` on the project's value — the kept one while fresh, else `load`'s (then kept) — and keeps what
    /// `body` changed in it (under the lock for a kept value, so concurrent callers each see the last change).
    func use<Result: Sendable>(
        projectID: String, load: () async throws -> Value, _ body: (inout Value) -> Result
    ) async throws -> Result {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state -> (Result?, Int) in
            guard var entry = state.entries[projectID], entry.expires > now else { return (nil, state.generation) }
            let result = body(&entry.value)
            state.entries[projectID] = entry
            return (result, state.generation)
        }
        if let cached { return cached }
        var loaded = try await load()
        let result = body(&loaded)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries = [:] }
            state.entries[projectID] = Entry(value: loaded, expires: now + timeToLive)
        }
        return result
    }

    /// Forgets the project's value (it just changed).
    func drop(projectID: String) {
        state.withLock { state in
            state.generation += 1
            state.entries[projectID] = nil
        }
    }
}
