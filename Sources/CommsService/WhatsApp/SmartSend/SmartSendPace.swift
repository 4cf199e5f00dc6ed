import Foundation

/// One instance's pace now, from its texts in the database (so every replica sees the same counts): the
/// warm-up day and cap, texts today and in the last window, and when the next text may leave.
struct SmartSendPace: Sendable {
    let warmupDay: Int
    let dailyCap: Int
    let sentToday: Int
    let sentLastWindow: Int
    let nextSendTime: Date

    /// A margin added after a full window, so clock reads on both sides of the gateway never see 11 in 60 s.
    static let margin: TimeInterval = 0.25

    /// Reads the counts of `instance` at `now`.
    static func load(_ store: WhatsAppStore, _ settings: WhatsAppSettings, instance: WhatsAppInstanceRecord, now: Date) async throws -> SmartSendPace {
        let day = InstancePace.warmupDay(firstOpenAt: instance.firstOpenAt, now: now)
        let window = InstancePace.dayWindow(firstOpenAt: instance.firstOpenAt, now: now)
        let sends = try await store.sends(
            instanceID: instance.id, windowStart: now.addingTimeInterval(-settings.paceWindow), dayStart: window.start)
        let cap = InstancePace().dailyCap(day: day)
        let limit = InstancePace.perMinute(throttled: instance.health == "THROTTLED")
        var next = InstancePace.nextSendTime(
            recentSends: sends.window, limit: limit, sentToday: sends.today, dailyCap: cap, dayEnd: window.end, now: now,
            window: settings.paceWindow)
        if next > now { next = next.addingTimeInterval(margin) }
        return SmartSendPace(warmupDay: day, dailyCap: cap, sentToday: sends.today, sentLastWindow: sends.window.count, nextSendTime: next)
    }
}
