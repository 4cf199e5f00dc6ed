import Testing

@testable import Wire

/// `EventLoop.sleep(for:)`: wakes after the time, and a cancelled sleep gives its timer back at once (the
/// reason it exists: a cancelled `Task.sleep` holds memory until its deadline on Linux).
@Suite("EventLoop sleep")
struct EventLoopSleepTests {
    /// The number of timers in the loop's heap, read on the loop.
    private func timerCount(_ loop: EventLoop) async -> Int {
        await withCheckedContinuation { continuation in
            loop.execute { continuation.resume(returning: loop.timers.count) }
        }
    }

    @Test func wakesAfterTheDuration() async throws {
        let loop = try EventLoop(name: "test-sleep")
        defer { loop.shutdown(); loop.join() }
        let start = ContinuousClock.now
        try await loop.sleep(for: .milliseconds(30))
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        #expect(await timerCount(loop) == 0)
    }

    @Test func cancellingEndsTheSleepAndRemovesItsTimer() async throws {
        let loop = try EventLoop(name: "test-sleep-cancel")
        defer { loop.shutdown(); loop.join() }
        let sleepers = (0..<100).map { _ in
            Task(executorPreference: loop) { try await loop.sleep(for: .seconds(3600)) }
        }
        while await timerCount(loop) < sleepers.count { try await Task.sleep(for: .milliseconds(1)) }
        sleepers.forEach { $0.cancel() }
        for sleeper in sleepers {
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
        #expect(await timerCount(loop) == 0)
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotSleep() async throws {
        let loop = try EventLoop(name: "test-sleep-precancel")
        defer { loop.shutdown(); loop.join() }
        let task = Task(executorPreference: loop) {
            withUnsafeCurrentTask { $0?.cancel() }
            try await loop.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await timerCount(loop) == 0)
    }
}
