import Synchronization

/// The tries a replica has in flight: at most ``capacity`` in all (`WEBHOOK_WORKERS`, from the claim to the
/// recorded outcome) and ``perEndpoint`` requests open to one endpoint (`WEBHOOK_ENDPOINT_CONCURRENCY`, from the
/// claim to the request's end), so an endpoint that never answers holds that many, never the whole window. The outbox's single claimer asks ``room`` and ``endpointRoom`` before claiming, so its claims
/// fit, and takes the slots of what it claimed at once.
///
/// Claims come in chunks, not one per finished try: an endpoint that took all the room a claim offered it
/// (``claimed(_:offered:)``: more of it may be due) is *waiting* until half of its cap has drained, and only then
/// does ``leave(_:)`` answer true (wake the claimer); a full window likewise. A fast endpoint thus gets claims of
/// about half its cap at a time, and its outcomes are recorded in batches too.
final class WebhookWindow: Sendable {
    private struct State {
        var total = 0
        var windowBusy = false
        var endpoints: [String: Int] = [:]
        var waiting: Set<String> = []
    }

    /// Tries in flight in all.
    let capacity: Int
    /// Tries in flight to one endpoint.
    let perEndpoint: Int
    private let state = Mutex(State())

    /// A window of `capacity` tries, `perEndpoint` to one endpoint (each at least 1).
    init(capacity: Int, perEndpoint: Int) {
        self.capacity = max(1, capacity)
        self.perEndpoint = max(1, min(perEndpoint, capacity))
    }

    /// How many tries may start now (0 while the window is busy).
    var room: Int {
        state.withLock { $0.windowBusy ? 0 : capacity - $0.total }
    }

    /// The endpoints with tries in flight and how many more each may take now (0: waiting to drain, skip it).
    var endpointRoom: [String: Int] {
        state.withLock { state in
            state.endpoints.reduce(into: [:]) { room, entry in
                room[entry.key] = state.waiting.contains(entry.key) ? 0 : perEndpoint - entry.value
            }
        }
    }

    /// What a claim that took fewer than it asked for tells the claimer.
    enum AfterClaim: Equatable, Sendable {
        /// An endpoint took all its room but has already half drained: claim again at once.
        case claimAgain
        /// An endpoint took all its room: its half-drain wakes the claimer.
        case waitForDrain
        /// No endpoint was held back by its room: nothing more is due now.
        case nothingMoreDue
    }

    /// Notes what one claim took per endpoint (`taken`), given the room it offered (`offered`, from
    /// ``endpointRoom``; an endpoint absent there was offered ``perEndpoint``). An endpoint that took all its
    /// room may have more due: it waits until half drained, unless it already is.
    func claimed(_ taken: [String: Int], offered: [String: Int]) -> AfterClaim {
        state.withLock { state in
            var after = AfterClaim.nothingMoreDue
            for (endpoint, count) in taken where count >= offered[endpoint, default: perEndpoint] {
                if (state.endpoints[endpoint] ?? 0) > perEndpoint / 2 {
                    state.waiting.insert(endpoint)
                    if after == .nothingMoreDue { after = .waitForDrain }
                } else {
                    after = .claimAgain
                }
            }
            return after
        }
    }

    /// Tries in flight to `endpoint` (tests, metrics).
    func inFlight(_ endpoint: String) -> Int {
        state.withLock { $0.endpoints[endpoint] ?? 0 }
    }

    /// Takes a slot for a try to `endpoint`; false if the window or the endpoint is full.
    func enter(_ endpoint: String) -> Bool {
        state.withLock { state in
            let current = state.endpoints[endpoint] ?? 0
            guard state.total < capacity, current < perEndpoint else { return false }
            state.total += 1
            state.endpoints[endpoint] = current + 1
            if state.total == capacity { state.windowBusy = true }
            return true
        }
    }

    /// The try's request is over (answered, failed or never sent): its endpoint's slot is free, while the try
    /// keeps its place in the window until its outcome is recorded (``leave()``). True when this makes a waiting
    /// endpoint claimable again (half drained), so the claimer should look.
    func sent(_ endpoint: String) -> Bool {
        state.withLock { state in
            let left = (state.endpoints[endpoint] ?? 1) - 1
            state.endpoints[endpoint] = left > 0 ? left : nil
            guard state.waiting.contains(endpoint), left <= perEndpoint / 2 else { return false }
            state.waiting.remove(endpoint)
            return true
        }
    }

    /// The try is recorded: its place in the window is free. True when this makes the full window claimable
    /// again (half drained).
    func leave() -> Bool {
        state.withLock { state in
            state.total -= 1
            guard state.windowBusy, state.total <= capacity / 2 else { return false }
            state.windowBusy = false
            return true
        }
    }

    /// ``sent(_:)`` and ``leave()`` at once; true if either says the claimer should look.
    func leave(_ endpoint: String) -> Bool {
        let endpointFreed = sent(endpoint)
        return leave() || endpointFreed
    }
}
