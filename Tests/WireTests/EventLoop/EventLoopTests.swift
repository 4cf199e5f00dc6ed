import Foundation
import Synchronization
import Testing

@testable import Wire

@Suite("EventLoop")
struct EventLoopTests {
    @Test func executesCrossThreadWorkInOrderOnTheLoopThread() async throws {
        let loop = try EventLoop(name: "test-exec")
        defer { loop.shutdown(); loop.join() }
        #expect(!loop.inEventLoop)
        let seen = Mutex<[Int]>([])
        let onLoop = Mutex<Bool>(true)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for index in 0..<1000 {
                loop.execute {
                    if !loop.inEventLoop { onLoop.withLock { $0 = false } }
                    seen.withLock { $0.append(index) }
                    if index == 999 { done.resume() }
                }
            }
        }
        #expect(seen.withLock { $0 } == Array(0..<1000))
        #expect(onLoop.withLock { $0 })
    }

    @Test func workQueuedFromTheLoopRunsAfterCurrentWork() async throws {
        let loop = try EventLoop(name: "test-local")
        defer { loop.shutdown(); loop.join() }
        let order = await withCheckedContinuation { (done: CheckedContinuation<[String], Never>) in
            loop.execute {
                nonisolated(unsafe) var order: [String] = []
                loop.executeOnLoop {
                    order.append("second")
                    done.resume(returning: order)
                }
                order.append("first")
            }
        }
        #expect(order == ["first", "second"])
    }

    @Test func timersFireInDeadlineOrderThenSchedulingOrder() async throws {
        let loop = try EventLoop(name: "test-timers")
        defer { loop.shutdown(); loop.join() }
        let fired = Mutex<[String]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                loop.schedule(after: .milliseconds(30)) { fired.withLock { $0.append("c") } }
                loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append("a1") } }
                loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append("a2") } }
                loop.schedule(after: .milliseconds(20)) { fired.withLock { $0.append("b") } }
                loop.schedule(after: .milliseconds(40)) { done.resume() }
            }
        }
        #expect(fired.withLock { $0 } == ["a1", "a2", "b", "c"])
    }

    @Test func timerFiresNoEarlierThanItsDelay() async throws {
        let loop = try EventLoop(name: "test-delay")
        defer { loop.shutdown(); loop.join() }
        let start = ContinuousClock.now
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.schedule(after: .milliseconds(25)) { done.resume() }
        }
        #expect(ContinuousClock.now - start >= .milliseconds(25))
    }

    @Test func cancelledTimersDoNotFire() async throws {
        let loop = try EventLoop(name: "test-cancel")
        defer { loop.shutdown(); loop.join() }
        let fired = Mutex<[String]>([])
        // Cancelled from another thread…
        let remote = loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append("remote") } }
        remote.cancel()
        #expect(remote.isCancelled)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute {
                // …and on the loop, including one cancelled by an earlier timer.
                let local = loop.schedule(after: .milliseconds(10)) { fired.withLock { $0.append("local") } }
                let later = loop.schedule(after: .milliseconds(30)) { fired.withLock { $0.append("later") } }
                loop.schedule(after: .milliseconds(20)) {
                    later.cancel()
                    fired.withLock { $0.append("canceller") }
                }
                local.cancel()
                loop.schedule(after: .milliseconds(50)) { done.resume() }
            }
        }
        #expect(fired.withLock { $0 } == ["canceller"])
    }

    @Test func taskWithExecutorPreferenceRunsOnTheLoopThread() async throws {
        let loop = try EventLoop(name: "test-executor")
        defer { loop.shutdown(); loop.join() }
        let result = await Task(executorPreference: loop) { () async -> [Bool] in
            var seen = [loop.inEventLoop]
            await Task.yield()
            seen.append(loop.inEventLoop)
            // A continuation resumed from the loop keeps the task on the loop.
            await withCheckedContinuation { continuation in
                loop.schedule(after: .milliseconds(1)) { continuation.resume() }
            }
            seen.append(loop.inEventLoop)
            // …and one resumed from another thread brings it back to the loop.
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume() }
            }
            seen.append(loop.inEventLoop)
            return seen
        }.value
        #expect(result == [true, true, true, true])
    }

    @Test func actorIsolatedToTheLoopRunsOnIt() async throws {
        let loop = try EventLoop(name: "test-actor")
        defer { loop.shutdown(); loop.join() }
        let counter = LoopCounter(loop: loop)
        for _ in 0..<100 { await counter.increment() }
        #expect(await counter.value == 100)
        #expect(await counter.ranOnLoop)
        loop.execute { counter.assumeIsolated { $0.checkedSynchronously = true } }
        try await Task.sleep(for: .milliseconds(20))
        #expect(await counter.checkedSynchronously)
    }

    @Test func groupHandsOutLoopsRoundRobinAndShutsDown() async throws {
        let group = try EventLoopGroup(loopCount: 3)
        let picked = (0..<6).map { _ in ObjectIdentifier(group.next()) }
        #expect(picked[0] != picked[1] && picked[1] != picked[2] && picked[0] != picked[2])
        #expect(Array(picked[0..<3]) == Array(picked[3..<6]))
        #expect(group.currentLoop == nil)
        let found = await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            let loop = group.loops[1]
            loop.execute { done.resume(returning: group.currentLoop === loop) }
        }
        #expect(found)
        await group.shutdownGracefully()
        #expect(group.loops.allSatisfy { $0.hasExited })
    }

    @Test func jobsAfterShutdownStillRun() async throws {
        let loop = try EventLoop(name: "test-late")
        loop.shutdown()
        loop.join()
        let ran = await Task(executorPreference: loop) { true }.value
        #expect(ran)
    }
}

/// An actor whose executor is the loop.
private actor LoopCounter {
    let loop: EventLoop
    var value = 0
    var ranOnLoop = true
    var checkedSynchronously = false
    nonisolated var unownedExecutor: UnownedSerialExecutor { self.loop.asUnownedSerialExecutor() }

    init(loop: EventLoop) { self.loop = loop }

    func increment() {
        self.value += 1
        if !self.loop.inEventLoop { self.ranOnLoop = false }
    }
}

