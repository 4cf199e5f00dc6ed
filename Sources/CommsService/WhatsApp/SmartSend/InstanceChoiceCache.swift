import Synchronization

/// The accept path's instance choice per project (``SmartSendChooser``), kept for ``timeToLive`` so a text that
/// names no instance costs no reads before its commit: each accept takes from the kept chooser (its room one
/// smaller, so a burst is still spread over the instances). Creating or deleting an instance on this replica drops
/// the project's entry; another replica, or a health change, is seen within ``timeToLive`` (1 s) — and the commit
/// itself gives up a chosen instance that is gone or `BANNED` by then (``WhatsAppStore/enqueueAll(_:)``), so
/// SmartSend chooses again. A load that overlaps a drop is not kept.
final class InstanceChoiceCache: Sendable {
    private struct Entry {
        var chooser: SmartSendChooser
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation = 0
    }

    /// How long a chooser is used.
    let timeToLive: Duration
    /// The most projects held.
    let capacity: Int
    private let state = Mutex(State())

    /// An empty cache.
    init(timeToLive: Duration = .seconds(1), capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    /// The instance for the project's next text (nil: none has room now), and whether the project has no
    /// instance left that is not `BANNED`; `load` reads a fresh chooser when the kept one is stale.
    func take(projectID: String, load: () async throws -> SmartSendChooser) async throws -> (instanceID: String?, noneLeft: Bool) {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state -> ((String?, Bool)?, Int) in
            guard var entry = state.entries[projectID], entry.expires > now else { return (nil, state.generation) }
            let taken = entry.chooser.take()
            state.entries[projectID] = entry
            return ((taken, entry.chooser.noneLeft), state.generation)
        }
        if let cached { return cached }
        var loaded = try await load()
        let taken = loaded.take()
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries = [:] }
            state.entries[projectID] = Entry(chooser: loaded, expires: now + timeToLive)
        }
        return (taken, loaded.noneLeft)
    }

    /// Forgets the project's chooser (an instance was created or deleted).
    func drop(projectID: String) {
        state.withLock { state in
            state.generation += 1
            state.entries[projectID] = nil
        }
    }
}
