/// The delays between delivery attempts after temporary failures (`COMMS_RETRY_SCHEDULE`, e.g.
/// `30s,2m,10m,1h,6h`): after the first failure wait the first delay, and so on; a temporary failure
/// after the last delay fails the message for good. Each delay gets ±``jitter`` so a burst of failures
/// does not come back as a burst.
///
/// ```swift
/// let schedule = try RetrySchedule(parsing: "30s,2m,10m")
/// schedule.delay(afterAttempt: 1)   // ≈ 30 s ± 20 %
/// schedule.delay(afterAttempt: 4)   // nil: give up
/// ```
struct RetrySchedule: Sendable, Hashable {
    /// A schedule text that cannot be read.
    struct ParseError: Error, Sendable {}

    /// The default: `30s,2m,10m,1h,6h`.
    static let standard = RetrySchedule(
        delays: [.seconds(30), .seconds(120), .seconds(600), .seconds(3600), .seconds(21_600)])

    /// The delays, in order.
    let delays: [Duration]
    /// The relative jitter applied to each delay (0.2 = ±20 %).
    let jitter: Double

    /// Creates a schedule.
    init(delays: [Duration], jitter: Double = 0.2) {
        self.delays = delays
        self.jitter = min(max(jitter, 0), 1)
    }

    /// Reads a comma-separated list of `<number><unit>` with unit `ms`, `s`, `m`, `h` or `d` (a bare number is
    /// seconds); 1 to 20 entries, each from 1 ms to 7 days.
    init(parsing text: String, jitter: Double = 0.2) throws(ParseError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...20).contains(parts.count) else { throw ParseError() }
        var delays: [Duration] = []
        for part in parts {
            let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
            let (number, scale) = units.first { part.hasSuffix($0.0) }.map { (String(part.dropLast($0.0.count)), $0.1) }
                ?? (part, 1)
            guard let value = Double(number), value.isFinite else { throw ParseError() }
            let milliseconds = value * scale * 1000
            guard milliseconds >= 1, milliseconds <= 7 * 86_400_000 else { throw ParseError() }
            delays.append(.milliseconds(Int64(milliseconds.rounded())))
        }
        self.init(delays: delays, jitter: jitter)
    }

    /// The most attempts a message gets: one plus one per delay.
    var maxAttempts: Int { delays.count + 1 }

    /// The wait before the next attempt after attempt number `attempt` (1-based) failed temporarily, with
    /// jitter; nil when the schedule is exhausted. `random` returns a value in 0..<1 (injectable for tests).
    func delay(afterAttempt attempt: Int, random: () -> Double = { Double.random(in: 0..<1) }) -> Duration? {
        guard attempt >= 1, attempt <= delays.count else { return nil }
        let base = delays[attempt - 1]
        let factor = 1 + jitter * (2 * random() - 1)
        return base * factor
    }
}
