#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

extension EventLoop {
    /// Rounds of queued work run per tick before going back to epoll, so a task that keeps re-enqueueing
    /// itself cannot starve I/O.
    private static let workRoundsPerTick = 16

    /// The loop's thread body: ticks until ``shutdown()``, then closes what is left.
    func run() {
        while !self.stopRequested {
            let timeout = self.nextTimeout()
            let count: Int
            do {
                count = try Posix.epollWait(
                    self.epollFD, self.events, capacity: Self.eventCapacity, timeoutMilliseconds: timeout)
            } catch {
                // Only EBADF/EFAULT/EINVAL, which mean this loop's own state is corrupt.
                preconditionFailure("\(error)")
            }
            self.takeRemoteWork()
            self.handleEvents(count)
            self.fireDueTimers()
            self.runQueuedWork()
        }
        self.closeEverything()
    }

    /// 0 if work is queued, else milliseconds until the next timer (rounded up so it is due when we wake),
    /// else -1. When it returns non-zero, the loop is marked as sleeping so other threads write the eventfd.
    private func nextTimeout() -> CInt {
        if !self.local.isEmpty || !self.pendingFlushes.isEmpty { return 0 }
        var timeout: CInt = -1
        if let first = self.timers.first {
            let now = Posix.monotonicNanoseconds()
            if first.deadline <= now { return 0 }
            let milliseconds = (first.deadline - now + 999_999) / 1_000_000
            timeout = CInt(clamping: milliseconds)
        }
        let hasRemoteWork = self.remote.withLock { state -> Bool in
            if !state.work.isEmpty { return true }
            state.sleeping = true
            return false
        }
        return hasRemoteWork ? 0 : timeout
    }

    /// Moves the work other threads queued to the local queue, and marks the loop awake.
    private func takeRemoteWork() {
        self.remote.withLock { state in
            state.sleeping = false
            if !state.work.isEmpty {
                self.local.append(contentsOf: state.work)
                state.work.removeAll(keepingCapacity: true)
            }
        }
    }

    private func handleEvents(_ count: Int) {
        for index in 0..<count {
            let event = self.events[index]
            let token = event.data.u64
            if token == 0 {
                Posix.eventfdDrain(self.wakeFD)
                continue
            }
            let registration = IORegistration.from(token: token)
            if registration.isActive {
                registration.target.ioReady(event.events)
            }
        }
        if !self.retiring.isEmpty { self.retiring.removeAll(keepingCapacity: true) }
    }

    private func fireDueTimers() {
        guard !self.timers.isEmpty else { return }
        let now = Posix.monotonicNanoseconds()
        while let first = self.timers.first, first.deadline <= now {
            _ = self.timers.removeFirst()
            first.fire()
        }
    }

    /// Runs queued closures and jobs in FIFO order, then flushes the connections that wrote; repeats while
    /// that queued more work, up to ``workRoundsPerTick`` rounds.
    func runQueuedWork() {
        var rounds = 0
        repeat {
            if !self.local.isEmpty {
                var batch = self.local
                self.local = self.spare
                self.spare = []
                for work in batch {
                    switch work {
                    case .closure(let body):
                        body()
                    case .job(let job):
                        job.runSynchronously(
                            isolatedTo: self.asUnownedSerialExecutor(),
                            taskExecutor: self.asUnownedTaskExecutor())
                    }
                }
                batch.removeAll(keepingCapacity: true)
                self.spare = batch
            }
            self.flushPendingConnections()
            rounds += 1
        } while !self.local.isEmpty && rounds < Self.workRoundsPerTick
    }

    /// The end of a tick: every connection that wrote during it sends its buffered bytes now.
    private func flushPendingConnections() {
        guard !self.pendingFlushes.isEmpty else { return }
        var index = 0
        // Flushing may close a connection, whose handler may write to another: the list can grow.
        while index < self.pendingFlushes.count {
            self.pendingFlushes[index].flushAtEndOfTick()
            index += 1
        }
        self.pendingFlushes.removeAll(keepingCapacity: true)
    }

    /// After ``shutdown()``: closes every registered descriptor, drains the queues, drops timers.
    private func closeEverything() {
        for registration in Array(self.registrations.values) where registration.isActive {
            registration.target.eventLoopClosing()
        }
        for _ in 0..<64 {
            self.takeRemoteWork()
            if self.local.isEmpty && self.pendingFlushes.isEmpty { break }
            self.runQueuedWork()
        }
        // Stop accepting; whatever slipped in before that still runs here, on the loop's thread.
        let leftover = self.remote.withLock { state -> [Work] in
            state.accepting = false
            defer { state.work.removeAll() }
            return state.work
        }
        self.local.append(contentsOf: leftover)
        self.runQueuedWork()
        for timer in self.timers.removeAll() { timer.work = nil }
        // Jobs must run somewhere or their tasks hang: what is still queued goes to the global executor.
        for case .job(let job) in self.local {
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
        self.local.removeAll()
        self.registrations.removeAll()
        self.retiring.removeAll()
    }
}
