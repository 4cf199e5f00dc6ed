#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL
import Dispatch
import Synchronization

/// One thread running an edge-triggered epoll loop: it owns sockets, runs timers, runs closures handed to it
/// from any thread, and is a Swift `TaskExecutor` and `SerialExecutor`, so async code can run on it with no
/// thread hop (see `EventLoop+Executor.swift`).
///
/// ```swift
/// let loop = try EventLoop(name: "wire-0")
/// loop.execute { print(loop.inEventLoop) }         // true
/// let timer = loop.schedule(after: .milliseconds(5)) { print("later") }
/// Task(executorPreference: loop) { await handle() } // runs on the loop's thread
/// loop.shutdown(); loop.join()
/// ```
///
/// One tick: wait in `epoll_wait` (not at all if work is queued, else until the next timer), take the work
/// other threads queued, handle I/O readiness, fire due timers, run queued work and jobs, then flush every
/// connection that wrote during the tick (so many small writes leave in one `send`).
///
/// Work queued from the loop's own thread goes to a plain array; from other threads it takes a lock, and
/// writes the eventfd only if the loop is (about to be) asleep in `epoll_wait`.
///
/// `@unchecked Sendable`: the cross-thread state is `remote` (under a lock) and the atomics `exited` and
/// `timerSequence`; `thread` is written once, before `init` returns; everything else is touched only on the
/// loop's thread, which `inEventLoop` asserts in debug builds at each loop-only entry point. The loop-only
/// buffers mutated on every call (here, in `Connection`, `ClientConnection`, `ServerConnection`) are
/// `@exclusivity(unchecked)`: the runtime access check cost ~8 % of a Wire call's CPU, and none of them is
/// ever accessed re-entrantly.
public final class EventLoop: @unchecked Sendable {
    /// Queued work: a closure or a Swift concurrency job.
    ///
    /// `@unchecked Sendable`: closures that cross threads come from `execute(_:)` (which takes `@Sendable`)
    /// or capture only `Sendable` values; non-`Sendable` closures are queued by `executeOnLoop` on the loop's
    /// own thread and never leave it.
    enum Work: @unchecked Sendable {
        case closure(() -> Void)
        case job(UnownedJob)
    }

    /// State shared with other threads, under `remote`'s lock.
    struct RemoteState {
        var work: [Work] = []
        /// The loop is in, or about to enter, a blocking `epoll_wait`: a producer must write the eventfd.
        var sleeping = false
        /// Cleared once the loop has stopped: closures are dropped, jobs go to the global executor.
        var accepting = true
    }

    /// The loop's name, also its thread's name (first 15 characters).
    public let name: String

    let epollFD: CInt
    let wakeFD: CInt
    let remote = EventLoopLock(RemoteState())
    let exited = Atomic<Bool>(false)
    /// Held while joining, so concurrent `join()` calls all wait for the thread.
    private let joined = EventLoopLock(false)
    var thread: pthread_t = 0
    var stopRequested = false

    @exclusivity(unchecked) var local: [Work] = []
    @exclusivity(unchecked) var spare: [Work] = []
    @exclusivity(unchecked) var timers = TimerHeap()
    private let timerSequence = Atomic<UInt64>(0)
    @exclusivity(unchecked) var registrations: [ObjectIdentifier: IORegistration] = [:]
    var retiring: [IORegistration] = []
    /// Connections that wrote during this tick and flush at its end.
    @exclusivity(unchecked) var pendingFlushes: [Connection] = []

    static let eventCapacity: CInt = 256
    let events: UnsafeMutablePointer<epoll_event>
    /// Scratch buffer every connection on this loop reads into (a handler sees it only during its callback).
    let readBuffer: UnsafeMutableRawBufferPointer

    /// Starts a loop on a new thread.
    ///
    /// - Parameter name: names the thread, for `top -H` and debuggers.
    /// - Parameter readBufferSize: the size of the scratch buffer sockets are read into.
    public init(name: String = "wire-loop", readBufferSize: Int = 64 * 1024) throws(SocketError) {
        Posix.ignoreSIGPIPE()
        self.name = name
        self.epollFD = try Posix.epollCreate()
        do {
            self.wakeFD = try Posix.eventfdCreate()
        } catch {
            Posix.close(self.epollFD)
            throw error
        }
        self.events = .allocate(capacity: Int(Self.eventCapacity))
        self.readBuffer = .allocate(byteCount: max(readBufferSize, 4096), alignment: 16)
        // Every property is set: if this throws, deinit releases the descriptors and buffers.
        try Posix.epollControl(self.epollFD, CInt(EPOLL_CTL_ADD), self.wakeFD, events: EPOLLIN.rawValue, data: 0)
        self.startThread()
    }

    deinit {
        self.releaseResources()
    }

    private func releaseResources() {
        Posix.close(self.epollFD)
        Posix.close(self.wakeFD)
        self.events.deallocate()
        self.readBuffer.deallocate()
    }

    /// Whether the caller runs on this loop's thread.
    @inline(__always)
    public var inEventLoop: Bool {
        pthread_equal(pthread_self(), self.thread) != 0
    }

    /// Runs `work` on the loop's thread, after the work already queued. Safe from any thread.
    ///
    /// After the loop has stopped, `work` is dropped.
    public func execute(_ work: @escaping @Sendable () -> Void) {
        if self.inEventLoop {
            self.local.append(.closure(work))
        } else {
            _ = self.enqueueRemote(.closure(work))
        }
    }

    /// Queues non-`Sendable` work from the loop's own thread.
    func executeOnLoop(_ work: @escaping () -> Void) {
        assert(self.inEventLoop)
        self.local.append(.closure(work))
    }

    /// Queues work from the loop's thread (no lock) or another thread (lock, eventfd only if asleep).
    /// Returns false if the loop has stopped and the work was not taken.
    @inline(__always)
    func enqueue(_ work: Work) -> Bool {
        if self.inEventLoop {
            self.local.append(work)
            return true
        }
        return self.enqueueRemote(work)
    }

    private func enqueueRemote(_ work: Work) -> Bool {
        let (accepted, wake) = self.remote.withLock { state -> (Bool, Bool) in
            guard state.accepting else { return (false, false) }
            state.work.append(work)
            let wake = state.sleeping
            state.sleeping = false
            return (true, wake)
        }
        if wake { Posix.eventfdSignal(self.wakeFD) }
        return accepted
    }

    /// Runs `work` on the loop's thread once `delay` has passed, unless the returned handle is cancelled first.
    /// Safe from any thread. Timers due at the same instant run in the order they were scheduled.
    @discardableResult
    public func schedule(after delay: Duration, _ work: @escaping @Sendable () -> Void) -> Scheduled {
        let timer = self.makeTimer(after: delay, work: work)
        if self.inEventLoop {
            self.timers.insert(timer)
        } else {
            _ = self.enqueueRemote(.closure { [self] in
                if !timer.isCancelled { self.timers.insert(timer) }
            })
        }
        return timer
    }

    /// Schedules non-`Sendable` work from the loop's own thread.
    func scheduleOnLoop(after delay: Duration, _ work: @escaping () -> Void) -> Scheduled {
        assert(self.inEventLoop)
        let timer = self.makeTimer(after: delay, work: work)
        self.timers.insert(timer)
        return timer
    }

    private func makeTimer(after delay: Duration, work: @escaping () -> Void) -> Scheduled {
        let deadline = Posix.monotonicNanoseconds() &+ Self.nanoseconds(delay)
        let sequence = self.timerSequence.add(1, ordering: .relaxed).newValue
        return Scheduled(loop: self, deadline: deadline, sequence: sequence, work: work)
    }

    func removeTimer(_ timer: Scheduled) {
        assert(self.inEventLoop)
        self.timers.remove(timer)
        timer.work = nil
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 { return 0 }
        if seconds >= Int64(UInt64.max / 1_000_000_000) - 1 { return UInt64.max / 2 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }

    // MARK: registration of descriptors

    /// Starts watching `fd` for `events` (`EPOLL*` bits, edge-triggered added by the caller), delivering
    /// readiness to `target` on this loop's thread.
    func register(fd: CInt, events: UInt32, target: any LoopSelectable) throws(SocketError) -> IORegistration {
        assert(self.inEventLoop)
        let registration = IORegistration(fd: fd, interest: events, target: target)
        try Posix.epollControl(self.epollFD, CInt(EPOLL_CTL_ADD), fd, events: events, data: registration.token)
        self.registrations[ObjectIdentifier(registration)] = registration
        return registration
    }

    /// Changes the events watched for a registered descriptor.
    func reregister(_ registration: IORegistration, events: UInt32) throws(SocketError) {
        assert(self.inEventLoop)
        guard registration.isActive, registration.interest != events else { return }
        registration.interest = events
        try Posix.epollControl(
            self.epollFD, CInt(EPOLL_CTL_MOD), registration.fd, events: events, data: registration.token)
    }

    /// Stops watching a descriptor. Call before closing it. The registration stays alive until the
    /// current batch of events is handled, so a later event in the batch can't reach freed memory.
    func deregister(_ registration: IORegistration) {
        assert(self.inEventLoop)
        guard registration.isActive else { return }
        registration.isActive = false
        _ = try? Posix.epollControl(self.epollFD, CInt(EPOLL_CTL_DEL), registration.fd, events: 0, data: 0)
        if let removed = self.registrations.removeValue(forKey: ObjectIdentifier(registration)) {
            self.retiring.append(removed)
        }
    }

    // MARK: lifecycle

    /// Asks the loop to stop: it closes what is still registered (connections see
    /// ``TCPError/eventLoopShutdown``), runs the work already queued, and its thread exits. Safe from any thread.
    public func shutdown() {
        if self.inEventLoop {
            self.stopRequested = true
        } else {
            _ = self.enqueueRemote(.closure { [self] in self.stopRequested = true })
        }
    }

    /// Waits for the loop's thread to exit. Call after ``shutdown()``, never from the loop's own thread.
    /// Safe to call more than once, also concurrently: every call returns once the thread is gone.
    public func join() {
        precondition(!self.inEventLoop, "EventLoop.join() called on the loop's own thread")
        self.joined.withLock { joined in
            guard !joined else { return }
            pthread_join(self.thread, nil)
            joined = true
        }
    }

    /// Whether the loop's thread has exited.
    public var hasExited: Bool { self.exited.load(ordering: .acquiring) }

    private func startThread() {
        let context = ThreadContext(loop: self)
        let raw = Unmanaged.passRetained(context).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<ThreadContext>.fromOpaque(raw!).takeRetainedValue()
            context.loop.thread = pthread_self()
            _ = context.loop.name.prefix(15).withCString { COpenSSL_setCurrentThreadName($0) }
            context.started.signal()
            context.loop.run()
            context.loop.exited.store(true, ordering: .releasing)
            return nil
        }, raw)
        precondition(result == 0, "pthread_create failed: \(result)")
        // Wait until the thread recorded its identity, so `inEventLoop` works as soon as init returns.
        context.started.wait()
    }

    private final class ThreadContext: @unchecked Sendable {
        let loop: EventLoop
        let started = DispatchSemaphore(value: 0)
        init(loop: EventLoop) { self.loop = loop }
    }
}
