import Synchronization

/// A monotonically increasing count (Prometheus `counter`). Incrementing is one relaxed atomic add, cheap
/// enough for hot paths: look the counter up once in the ``MetricsRegistry`` and keep the reference.
///
/// ```swift
/// let accepted = metrics.counter("wire_calls_total", help: "Wire calls accepted.", labels: ["service": "vault"])
/// accepted.increment()
/// ```
public final class Counter: Sendable {
    private let storage = Atomic<UInt64>(0)

    /// Creates a standalone counter at zero (usually obtained from ``MetricsRegistry/counter(_:help:labels:)``).
    public init() {}

    /// Adds `amount` (default 1).
    @inline(__always)
    public func increment(by amount: UInt64 = 1) {
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The current count.
    public var value: UInt64 {
        storage.load(ordering: .relaxed)
    }
}
