import Foundation
import Synchronization
import ServiceKit
import Testing
@testable import CommsService

@Suite("Outbox parts")
struct OutboxUnitTests {
    @Test("the retry schedule parses units, applies ±jitter and ends")
    func schedule() throws {
        let schedule = try RetrySchedule(parsing: "30s,2m,10m,1h,6h")
        #expect(schedule == .standard)
        #expect(schedule.maxAttempts == 6)
        #expect(schedule.delay(afterAttempt: 1, random: { 0.5 }) == .seconds(30))
        #expect(schedule.delay(afterAttempt: 1, random: { 0 }) == .seconds(24))
        #expect(schedule.delay(afterAttempt: 2, random: { 0.999_999_999 })! > .seconds(143))
        #expect(schedule.delay(afterAttempt: 5, random: { 0.5 }) == .seconds(21_600))
        #expect(schedule.delay(afterAttempt: 6) == nil)
        #expect(try RetrySchedule(parsing: "250ms,1d").delays == [.milliseconds(250), .seconds(86_400)])
        #expect(try RetrySchedule(parsing: "5").delays == [.seconds(5)])
        for bad in ["", "30s,", "x", "-1s", "0s", "8d", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s"] {
            #expect(throws: RetrySchedule.ParseError.self, "\(bad)") { try RetrySchedule(parsing: bad) }
        }
    }

    @Test("the per-project token bucket allows a burst, then paces, and keeps projects apart")
    func rateLimiter() {
        let now = Mutex(ContinuousClock.now)
        let limiter = ProjectRateLimiter(ratePerSecond: 10, clock: { now.withLock { $0 } })
        for _ in 0..<10 { #expect(limiter.acquire("a") == nil) }
        let wait = try! #require(limiter.acquire("a"))
        #expect(wait > .zero && wait <= .milliseconds(100))
        #expect(limiter.acquire("b") == nil)
        now.withLock { $0 += .milliseconds(100) }
        #expect(limiter.acquire("a") == nil)
        #expect(limiter.acquire("a") != nil)
    }

    @Test("a wakeup signal ends every wait, also one that starts after it")
    func wakeup() async {
        let wakeup = OutboxWakeup()
        let generation = wakeup.generation
        let start = ContinuousClock.now
        async let first: Void = wakeup.wait(since: generation, timeout: .seconds(10))
        async let second: Void = wakeup.wait(since: generation, timeout: .seconds(10))
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        _ = await (first, second)
        await wakeup.wait(since: generation, timeout: .seconds(10))
        #expect(ContinuousClock.now - start < .seconds(5))
        let quiet = ContinuousClock.now
        await wakeup.wait(since: wakeup.generation, timeout: .milliseconds(50))
        #expect(ContinuousClock.now - quiet >= .milliseconds(50))
    }

    @Test("ids have their prefix and 20 base32 characters")
    func ids() {
        let id = ResourceID.make("msg_")
        #expect(ResourceID.isWellFormed(id, prefix: "msg_"))
        #expect(!ResourceID.isWellFormed(id, prefix: "tpl_"))
        #expect(!ResourceID.isWellFormed("msg_short", prefix: "msg_"))
        #expect(ResourceID.make("msg_") != id)
    }
}
