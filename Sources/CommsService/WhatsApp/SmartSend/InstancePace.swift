import Foundation

/// SmartSend's pacing rules for one WhatsApp instance, as pure arithmetic (the worker applies them; tests check
/// them without a clock):
///
/// - at most ``perMinute`` texts in any 60 s (counted when a text goes to the gateway), half that while the
///   instance is `THROTTLED`;
/// - the warm-up cap per day: 20 on day 1 (the 24 h from the instance's first `open`), growing geometrically to the
///   full daily rate (``fullDailyRate``, the per-minute limit held all day) on day ``warmupDays``, when the
///   instance becomes `ACTIVE`; the days stay anchored at the first `open`.
struct InstancePace: Sendable, Hashable {
    /// Texts per minute per instance (the seeds' SmartSend: 10).
    static let perMinute = 10
    /// The first day's cap.
    static let firstDayCap = 20
    /// The day the warm-up reaches the full rate.
    static let warmupDays = 14
    /// One warm-up day.
    static let day: TimeInterval = 86_400

    /// The full rate per day: the per-minute limit held for 24 h unless a plan says less.
    var fullDailyRate = InstancePace.perMinute * 60 * 24

    /// The warm-up day `now` falls in, from 1 (before the first `open`: day 1).
    static func warmupDay(firstOpenAt: Date?, now: Date) -> Int {
        guard let firstOpenAt, now > firstOpenAt else { return 1 }
        return Int(now.timeIntervalSince(firstOpenAt) / day) + 1
    }

    /// When the warm-up day containing `now` started and ends.
    static func dayWindow(firstOpenAt: Date?, now: Date) -> (start: Date, end: Date) {
        let anchor = firstOpenAt ?? now
        let start = anchor.addingTimeInterval(Double(warmupDay(firstOpenAt: firstOpenAt, now: now) - 1) * day)
        return (start, start.addingTimeInterval(day))
    }

    /// The cap of warm-up day `day`: 20 on day 1, × r a day, the full rate from day 14 (r = (full / 20)^(1/13)).
    func dailyCap(day: Int) -> Int {
        guard day < Self.warmupDays else { return fullDailyRate }
        let ratio = pow(Double(fullDailyRate) / Double(Self.firstDayCap), 1 / Double(Self.warmupDays - 1))
        let cap = Double(Self.firstDayCap) * pow(ratio, Double(max(day, 1) - 1))
        return min(fullDailyRate, Int(cap.rounded()))
    }

    /// The per-minute limit, halved while throttled.
    static func perMinute(throttled: Bool) -> Int { throttled ? perMinute / 2 : perMinute }

    /// The earliest instant from `now` at which one more text may go: never while `sentToday` has reached the
    /// day's cap (then the next day's start, `dayEnd`), and never while the last minute holds `limit` sends
    /// (then 60 s after the oldest of them). `recentSends` are the sends of the last 60 s, oldest first.
    /// `window` replaces the 60 s (`WHATSAPP_PACE_WINDOW_SECONDS`, for tests).
    static func nextSendTime(
        recentSends: [Date], limit: Int, sentToday: Int, dailyCap: Int, dayEnd: Date, now: Date, window length: TimeInterval = 60
    ) -> Date {
        if sentToday >= dailyCap { return dayEnd }
        let window = recentSends.filter { now.timeIntervalSince($0) < length }
        guard window.count >= limit else { return now }
        return window[window.count - limit].addingTimeInterval(length)
    }

    /// The room an instance has left today.
    static func roomToday(sentToday: Int, dailyCap: Int) -> Int { max(0, dailyCap - sentToday) }
}
