import Synchronization

extension EventLoop {
    /// A handle to work scheduled with ``EventLoop/schedule(after:_:)``; ``cancel()`` stops it from running.
    ///
    /// ```swift
    /// let timeout = loop.schedule(after: .seconds(5)) { print("too slow") }
    /// timeout.cancel()
    /// ```
    ///
    /// `@unchecked Sendable`: `work` and `heapIndex` are touched only on the loop's thread; the
    /// cross-thread state is the atomic `cancelled` flag.
    public final class Scheduled: @unchecked Sendable {
        /// Monotonic nanoseconds at which the work becomes due.
        let deadline: UInt64
        /// Scheduling order, to break ties between equal deadlines.
        let sequence: UInt64
        /// The work; `nil` once it ran or was cancelled. Loop thread only.
        var work: (() -> Void)?
        /// Position in the loop's ``TimerHeap``, or -1. Loop thread only.
        var heapIndex: Int = -1
        private let cancelled = Atomic<Bool>(false)
        /// Strong: the loop drops its timers when it stops, which breaks the cycle.
        private let loop: EventLoop

        init(loop: EventLoop, deadline: UInt64, sequence: UInt64, work: @escaping () -> Void) {
            self.loop = loop
            self.deadline = deadline
            self.sequence = sequence
            self.work = work
        }

        /// Whether ``cancel()`` was called.
        public var isCancelled: Bool { self.cancelled.load(ordering: .acquiring) }

        /// Stops the work from running, if it has not started yet. Safe from any thread.
        ///
        /// Once `cancel()` returns the work will not start. On the loop's own thread the timer is
        /// also removed from the heap at once; from elsewhere its removal is queued to the loop.
        public func cancel() {
            guard !self.cancelled.exchange(true, ordering: .acquiringAndReleasing) else { return }
            if self.loop.inEventLoop {
                self.loop.removeTimer(self)
            } else {
                self.loop.execute { [self] in self.loop.removeTimer(self) }
            }
        }

        /// Runs the work unless it was cancelled. Loop thread only.
        func fire() {
            guard let work = self.work else { return }
            self.work = nil
            if !self.cancelled.load(ordering: .acquiring) { work() }
        }
    }
}
