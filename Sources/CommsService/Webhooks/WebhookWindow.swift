import Synchronization

/// The tries a replica has in flight: at most ``capacity`` in all (`WEBHOOK_WORKERS`) and ``perEndpoint`` to
/// one endpoint (`WEBHOOK_ENDPOINT_CONCURRENCY`), so an endpoint that never answers holds that many, never the
/// whole window. The outbox's single claimer asks ``room`` and ``endpointRoom`` before claiming, so its claims
/// fit, and takes the slots of what it claimed at once.
///
/// Claims come in chunks, not one per finished try: an endpoint at its cap (or a full window) is *busy* until
/// half of it has drained, and only then does ``leave(_:)`` answer true (wake the claimer). A fast endpoint
/// thus gets claims of about half its cap at a time, and its outcomes are recorded in batches too.
final class WebhookWindow: Sendable {
    private struct State {
        var total = 0
        var windowBusy = false
        var endpoints: [String: Int] = [:]
        var busy: Set<String> = []
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

    /// The endpoints with tries in flight and how many more each may take now (0: busy, skip it).
    var endpointRoom: [String: Int] {
        state.withLock { state in
            state.endpoints.reduce(into: [:]) { room, entry in
                room[entry.key] = state.busy.contains(entry.key) ? 0 : perEndpoint - entry.value
            }
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
            if current + 1 == perEndpoint { state.busy.insert(endpoint) }
            if state.total == capacity { state.windowBusy = true }
            return true
        }
    }

    /// Gives a slot back; true when this makes a busy endpoint or the busy window claimable again (half
    /// drained), so the claimer should look.
    func leave(_ endpoint: String) -> Bool {
        state.withLock { state in
            state.total -= 1
            let left = (state.endpoints[endpoint] ?? 1) - 1
            state.endpoints[endpoint] = left > 0 ? left : nil
            var wake = false
            if state.busy.contains(endpoint), left <= perEndpoint / 2 {
                state.busy.remove(endpoint)
                wake = true
            }
            if state.windowBusy, state.total <= capacity / 2 {
                state.windowBusy = false
                wake = true
            }
            return wake
        }
    }
}
