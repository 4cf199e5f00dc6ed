extension EventLoop: TaskExecutor, SerialExecutor {
    /// Runs a Swift concurrency job on the loop's thread (SE-0417). From the loop's own thread this is a plain
    /// append to the local queue (no lock, no eventfd); from another thread a lock, plus one eventfd write
    /// if the loop is asleep. After the loop has stopped, jobs go to the global concurrent executor.
    ///
    /// This is what makes `Task(executorPreference: loop) { ... }` run on the loop, and what keeps a
    /// continuation resumed on the loop on the loop.
    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        if !self.enqueue(.job(unowned)) {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        }
    }

    /// This loop as an unowned task executor.
    public func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// This loop as an unowned serial executor, for actors whose `unownedExecutor` is the loop.
    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Traps unless called on the loop's thread (used by `assumeIsolated` and isolation checks).
    public func checkIsolated() {
        precondition(self.inEventLoop, "expected to run on event loop \(self.name)")
    }

    /// Whether the current thread is the loop's thread.
    public func isIsolatingCurrentContext() -> Bool? {
        self.inEventLoop
    }
}
