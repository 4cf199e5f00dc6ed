import Foundation
import Synchronization

/// Where the service reads the time, so tests can move it (rotation, grace windows, expiries).
struct IdentityClock: Sendable {
    /// The current time.
    let now: @Sendable () -> Date

    /// The system clock.
    static let system = IdentityClock(now: { Date() })

    /// A clock that starts at `start` and moves only when the returned `advance` is called (tests).
    static func manual(start: Date = Date()) -> (clock: IdentityClock, advance: @Sendable (TimeInterval) -> Void) {
        let time = fileprivateManualTime(start)
        return (IdentityClock(now: { time.value.withLock { $0 } }), { seconds in time.value.withLock { $0 += seconds } })
    }
}

/// The shared time of a manual clock.
fileprivate final class fileprivateManualTime: Sendable {
    let value: Mutex<Date>
    init(_ start: Date) { self.value = Mutex(start) }
}
