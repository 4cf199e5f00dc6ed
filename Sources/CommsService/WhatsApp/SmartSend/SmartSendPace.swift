import Foundation

/// One instance's pace now, from the pace its row keeps (the ring of its last texts and the count of the
/// current warm-up day, written with each text under the instance's lease, so every replica agrees): the
/// warm-up day and cap, texts today and in the last window, and when the next text may leave.
struct SmartSendPace: Sendable {
    let warmupDay: Int
    let dailyCap: Int
    let sentToday: Int
    let sentLastWindow: Int
    let nextSendTime: Date
    /// The start of the warm-up day `now` falls in (what a text leaving now is counted under).
    let dayStart: Date

    /// A margin added after a full window, so clock reads on both sides of the gateway never see 11 in 60 s.
    static let margin: TimeInterval = 0.25

    /// The pace of `instance` at `now`.
    init(_ instance: WhatsAppInstanceRecord, _ settings: WhatsAppSettings, now: Date) {
        let day = InstancePace.warmupDay(firstOpenAt: instance.firstOpenAt, now: now)
        let window = InstancePace.dayWindow(firstOpenAt: instance.firstOpenAt, now: now)
        // The row's count is of the day it names; a text from an earlier day starts the count again.
        let sentToday = instance.dayStart.map {
            WhatsAppInstanceRecord.micros($0) == WhatsAppInstanceRecord.micros(window.start)
        } == true ? instance.sentToday : 0
        let recent = instance.recentSends.filter { now.timeIntervalSince($0) < settings.paceWindow }
        let cap = InstancePace().dailyCap(day: day)
        let limit = InstancePace.perMinute(throttled: instance.health == "THROTTLED")
        var next = InstancePace.nextSendTime(
            recentSends: recent, limit: limit, sentToday: sentToday, dailyCap: cap, dayEnd: window.end, now: now,
            window: settings.paceWindow)
        if next > now { next = next.addingTimeInterval(Self.margin) }
        self.warmupDay = day
        self.dailyCap = cap
        self.sentToday = sentToday
        self.sentLastWindow = recent.count
        self.nextSendTime = next
        self.dayStart = window.start
    }
}
