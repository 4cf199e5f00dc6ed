import Synchronization

/// Observations counted into fixed buckets (Prometheus `histogram`), e.g. request durations in seconds.
///
/// Each bucket counts observations `<=` its upper bound; the implicit last bucket is `+Inf`.
public final class Histogram: Sendable {
    /// Prometheus's default buckets, suited to durations in seconds (5 ms … 10 s).
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// A consistent copy of a histogram's state.
    public struct Snapshot: Sendable, Equatable {
        /// The finite upper bounds, ascending.
        public let upperBounds: [Double]
        /// Cumulative counts per upper bound (the same length as ``upperBounds``), then `+Inf`.
        public let cumulativeCounts: [UInt64]
        /// The sum of all observations.
        public let sum: Double
        /// The number of observations (equal to the `+Inf` bucket).
        public let count: UInt64
    }

    private struct State {
        var bucketCounts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    /// The finite upper bounds, ascending.
    public let upperBounds: [Double]
    private let state: Mutex<State>

    /// Creates a histogram. `buckets` must be finite and strictly increasing (`+Inf` is always added).
    public init(buckets: [Double] = Histogram.defaultBuckets) {
        let bounds = buckets.last == .infinity ? Array(buckets.dropLast()) : buckets
        precondition(bounds.allSatisfy(\.isFinite), "histogram buckets must be finite")
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram buckets must increase")
        self.upperBounds = bounds
        self.state = Mutex(State(bucketCounts: Array(repeating: 0, count: bounds.count + 1)))
    }

    /// Records one observation.
    public func observe(_ value: Double) {
        let index = upperBounds.firstIndex { value <= $0 } ?? upperBounds.count
        state.withLock { state in
            state.bucketCounts[index] += 1
            state.sum += value
            state.count += 1
        }
    }

    /// Records a duration, in seconds.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// A consistent copy of the counts.
    public func snapshot() -> Snapshot {
        let copy = state.withLock { $0 }
        var running: UInt64 = 0
        let cumulative = copy.bucketCounts.map { running += $0; return running }
        return Snapshot(upperBounds: upperBounds, cumulativeCounts: cumulative, sum: copy.sum, count: copy.count)
    }
}
