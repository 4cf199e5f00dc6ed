import Synchronization

/// A value that goes up and down (Prometheus `gauge`), e.g. connections open or queue depth. Lock-free:
/// the `Double` is kept as its bit pattern in an atomic.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(Double(0).bitPattern)

    /// Creates a standalone gauge at zero (usually obtained from ``MetricsRegistry/gauge(_:help:labels:)``).
    public init() {}

    /// Sets the value.
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// Adds `amount` (default 1).
    public func increment(by amount: Double = 1) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let desired = (Double(bitPattern: current) + amount).bitPattern
            let (exchanged, original) = bits.compareExchange(
                expected: current, desired: desired, ordering: .relaxed
            )
            if exchanged { return }
            current = original
        }
    }

    /// Subtracts `amount` (default 1).
    public func decrement(by amount: Double = 1) {
        increment(by: -amount)
    }

    /// The current value.
    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }
}
