/// Picks the endpoint for a call: the **least outstanding calls** among the endpoints that may be tried
/// now, ties broken by rotating from `start` so equal endpoints share the load. A pure function
/// (unit-tested without sockets).
enum EndpointSelector {
    /// One endpoint as the selector sees it.
    struct Candidate: Sendable, Hashable {
        /// Calls assigned to the endpoint and not finished.
        var outstanding: Int
        /// Whether the endpoint may be tried now (not backing off after a failure).
        var isAvailable: Bool
    }

    /// The index of the chosen candidate, or nil if none is available.
    static func pick(_ candidates: [Candidate], start: Int) -> Int? {
        pick(count: candidates.count, start: start) { candidates[$0] }
    }

    /// The index of the chosen candidate among `count`, read through `candidate`, or nil if none is available.
    @inline(__always)
    static func pick(count: Int, start: Int, _ candidate: (Int) -> Candidate) -> Int? {
        guard count > 0 else { return nil }
        var best: Int?
        var bestOutstanding = Int.max
        let first = Int(UInt(bitPattern: start) % UInt(count))
        for step in 0..<count {
            let index = first + step < count ? first + step : first + step - count
            let current = candidate(index)
            if current.isAvailable && current.outstanding < bestOutstanding {
                best = index
                bestOutstanding = current.outstanding
            }
        }
        return best
    }
}
