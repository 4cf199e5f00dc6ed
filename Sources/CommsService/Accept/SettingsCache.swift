import Synchronization

/// The projects' email settings as the accept path reads them, kept for ``timeToLive`` so an accept costs no
/// settings read. A save on this replica drops the project's entry (read-your-writes here); another replica
/// sees a change within ``timeToLive`` (1 s). A read that overlaps a drop is not kept, so a value older than
/// the save is never cached after it. At most ``capacity`` projects are held (then the cache starts over).
///
/// ```swift
/// let settings = try await cache.settings(projectID: project) { try await store.settings(projectID: project) }
/// cache.drop(projectID: project)        // after saving
/// ```
final class SettingsCache: Sendable {
    private struct Entry {
        let settings: StoredSettings
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

    /// The project's settings: the cached ones while fresh, else `load`'s (then cached).
    func settings(projectID: String, load: () async throws -> StoredSettings) async throws -> StoredSettings {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state in
            (state.entries[projectID].flatMap { $0.expires > now ? $0.settings : nil }, state.generation)
        }
        if let cached { return cached }
        let loaded = try await load()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries = [:] }
            state.entries[projectID] = Entry(settings: loaded, expires: now + timeToLive)
        }
        return loaded
    }

    /// Forgets the project's settings (they were just saved).
    func drop(projectID: String) {
        state.withLock { state in
            state.generation += 1
            state.entries[projectID] = nil
        }
    }
}
