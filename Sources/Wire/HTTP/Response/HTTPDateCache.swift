#if canImport(Glibc)
import Glibc
#endif

/// The `Date` field (RFC 9110 §5.6.7 IMF-fixdate), formatted once per second.
///
/// Not thread-safe: the server keeps one per event loop and uses it only on that loop's thread.
final class HTTPDateCache {
    private var second = -1
    private var field: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n` for the current second.
    func dateField() -> [UInt8] {
        self.dateField(at: time(nil))
    }

    /// The field for `now` (seconds since the epoch); reformatted only when the second changed.
    func dateField(at now: time_t) -> [UInt8] {
        if Int(now) == self.second { return self.field }
        self.second = Int(now)
        self.field = Self.format(now)
        return self.field
    }

    /// Formats `seconds` since the epoch as a whole `Date` line.
    static func format(_ seconds: time_t) -> [UInt8] {
        var clock = seconds
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = Self.days[Int(parts.tm_wday) % 7]
        let month = Self.months[Int(parts.tm_mon) % 12]
        let text = "Date: \(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
