import Foundation
import Testing
@testable import CommsService

@Suite("SmartSend pacing rules")
struct InstancePaceTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("warm-up caps: 20 on day 1, rising every day, the full rate from day 14 on")
    func warmup() {
        let pace = InstancePace()
        #expect(pace.dailyCap(day: 1) == 20)
        for day in 1..<14 { #expect(pace.dailyCap(day: day) < pace.dailyCap(day: day + 1), "day \(day)") }
        #expect(pace.dailyCap(day: 14) == 14_400)
        #expect(pace.dailyCap(day: 30) == 14_400)
        #expect(InstancePace(fullDailyRate: 500).dailyCap(day: 14) == 500)
        #expect(InstancePace.warmupDay(firstOpenAt: nil, now: start) == 1)
        #expect(InstancePace.warmupDay(firstOpenAt: start, now: start.addingTimeInterval(86_399)) == 1)
        #expect(InstancePace.warmupDay(firstOpenAt: start, now: start.addingTimeInterval(86_400)) == 2)
        let window = InstancePace.dayWindow(firstOpenAt: start, now: start.addingTimeInterval(3 * 86_400 + 5))
        #expect(window.start == start.addingTimeInterval(3 * 86_400))
        #expect(window.end == start.addingTimeInterval(4 * 86_400))
    }

    @Test("at most 10 texts in any 60 s (5 while throttled); the day's cap holds until the next day")
    func perMinute() {
        let sends = (0..<10).map { start.addingTimeInterval(Double($0) * 2) }
        let now = start.addingTimeInterval(20)
        let dayEnd = start.addingTimeInterval(86_400)
        #expect(InstancePace.nextSendTime(
            recentSends: Array(sends.prefix(9)), limit: 10, sentToday: 9, dailyCap: 20, dayEnd: dayEnd, now: now) == now)
        #expect(InstancePace.nextSendTime(
            recentSends: sends, limit: 10, sentToday: 10, dailyCap: 20, dayEnd: dayEnd, now: now) == start.addingTimeInterval(60))
        #expect(InstancePace.perMinute(throttled: true) == 5)
        #expect(InstancePace.nextSendTime(
            recentSends: sends, limit: 5, sentToday: 10, dailyCap: 20, dayEnd: dayEnd, now: now)
            == start.addingTimeInterval(10 + 60))
        #expect(InstancePace.nextSendTime(
            recentSends: [], limit: 10, sentToday: 20, dailyCap: 20, dayEnd: dayEnd, now: now) == dayEnd)
        // Sends older than a minute do not count.
        #expect(InstancePace.nextSendTime(
            recentSends: sends, limit: 10, sentToday: 10, dailyCap: 20, dayEnd: dayEnd, now: start.addingTimeInterval(61))
            == start.addingTimeInterval(61))
    }

    @Test("instance choice: open and not banned, most room today, then least busy, then oldest")
    func choice() {
        typealias C = InstanceChoice.Candidate
        let candidates = [
            C(id: "banned", connection: "open", health: "BANNED", roomToday: 999, sentLastMinute: 0, createdOrder: 0),
            C(id: "closed", connection: "close", health: "ACTIVE", roomToday: 999, sentLastMinute: 0, createdOrder: 1),
            C(id: "small", connection: "open", health: "WARMUP", roomToday: 5, sentLastMinute: 0, createdOrder: 2),
            C(id: "busy", connection: "open", health: "ACTIVE", roomToday: 100, sentLastMinute: 9, createdOrder: 3),
            C(id: "calm", connection: "open", health: "THROTTLED", roomToday: 100, sentLastMinute: 2, createdOrder: 4),
            C(id: "full", connection: "open", health: "ACTIVE", roomToday: 0, sentLastMinute: 0, createdOrder: 5),
        ]
        #expect(InstanceChoice.choose(candidates) == "calm")
        #expect(InstanceChoice.choose(candidates.filter { $0.id != "calm" && $0.id != "busy" }) == "small")
        #expect(InstanceChoice.choose(candidates.filter { ["banned", "closed", "full"].contains($0.id) }) == nil)
    }
}
