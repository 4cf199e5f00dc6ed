import Synchronization
import Wire

/// Bounds and reuses SMTP sessions: at most `maxConnections` open (or opening) to all relays together,
/// at most `maxIdlePerRelay` idle per relay, each idle one closed with `QUIT` after `idleTimeout`.
///
/// A sender calls ``acquire(_:)`` and gets an idle session for its relay, or the right to open one (a
/// slot), or — when every slot is taken — waits in FIFO order up to `waitTimeout`. It must then hand back
/// what it got: ``release(_:reusable:)`` for a session, ``releaseSlot()`` for a slot it did not use.
/// Sessions are filed under the whole ``SMTPRelay``, password included, so a connection authenticated
/// with one project's credentials never carries another project's mail.
final class SMTPConnectionPool: Sendable {
    /// What ``acquire(_:)`` grants.
    enum Lease: Sendable {
        /// An idle session to the relay (RSET it before use).
        case session(SMTPSession)
        /// A free slot: open a session.
        case slot
        /// No slot became free within the wait timeout.
        case limitReached
        /// The pool was shut down.
        case shutDown
    }

    private struct Idle {
        var id: UInt64
        var session: SMTPSession
        var timer: EventLoop.Scheduled?
    }

    private struct Waiter {
        var id: UInt64
        var relay: SMTPRelay
        var continuation: CheckedContinuation<Lease, Never>
        var timer: EventLoop.Scheduled?
    }

    private struct State {
        /// Sessions open or being opened, in use or idle.
        var open = 0
        var idle: [SMTPRelay: [Idle]] = [:]
        var waiters: [Waiter] = []
        var nextID: UInt64 = 1
        var isShutDown = false
    }

    private let state = Mutex(State())
    private let maxConnections: Int
    private let maxIdlePerRelay: Int
    private let idleTimeout: Duration
    private let waitTimeout: Duration
    private let loop: EventLoop

    /// Creates a pool; its timers run on `loop`.
    init(maxConnections: Int, maxIdlePerRelay: Int, idleTimeout: Duration, waitTimeout: Duration, loop: EventLoop) {
        self.maxConnections = max(1, maxConnections)
        self.maxIdlePerRelay = max(0, maxIdlePerRelay)
        self.idleTimeout = idleTimeout
        self.waitTimeout = waitTimeout
        self.loop = loop
    }

    /// Sessions open or being opened (in use or idle).
    var openCount: Int { state.withLock { $0.open } }

    /// Idle sessions, all relays together.
    var idleCount: Int { state.withLock { $0.idle.values.reduce(0) { $0 + $1.count } } }

    /// An idle session for `relay`, a slot, or (after waiting) `limitReached`.
    func acquire(_ relay: SMTPRelay) async -> Lease {
        var evicted: SMTPSession?
        let immediate: Lease? = state.withLock { state in
            if state.isShutDown { return .shutDown }
            if var sessions = state.idle[relay], let last = sessions.popLast() {
                state.idle[relay] = sessions.isEmpty ? nil : sessions
                last.timer?.cancel()
                return .session(last.session)
            }
            if state.open < maxConnections {
                state.open += 1
                return .slot
            }
            // Full, but an idle session to another relay can make room.
            if let (key, sessions) = state.idle.first(where: { !$0.value.isEmpty }) {
                var remaining = sessions
                let victim = remaining.removeFirst()
                state.idle[key] = remaining.isEmpty ? nil : remaining
                victim.timer?.cancel()
                evicted = victim.session
                return .slot  // the victim's slot passes to this sender
            }
            return nil
        }
        if let evicted { Task { await evicted.quit() } }
        if let immediate { return immediate }
        let id: UInt64 = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        // Cancelled (the send's deadline passed) while waiting: leave the queue as if the wait timed out.
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let timeout = self.waitTimeout
                let refusal: Lease? = state.withLock { state in
                    if state.isShutDown { return .shutDown }
                    if Task.isCancelled { return .limitReached }
                    let timer = loop.schedule(after: timeout) { [self] in self.waitTimedOut(id) }
                    state.waiters.append(Waiter(id: id, relay: relay, continuation: continuation, timer: timer))
                    return nil
                }
                if let refusal { continuation.resume(returning: refusal) }
            }
        } onCancel: {
            waitTimedOut(id)
        }
    }

    /// Hands a session back: kept idle if `reusable` (or given to the first waiter), else closed.
    func release(_ session: SMTPSession, reusable: Bool) {
        let keep = reusable && session.isUsable
        enum Disposal { case handOver(Waiter), keptIdle, close, closeAndHandSlot(Waiter) }
        let disposal: Disposal = state.withLock { state in
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                waiter.timer?.cancel()
                if keep && waiter.relay == session.relay { return .handOver(waiter) }
                return .closeAndHandSlot(waiter)
            }
            if keep, !state.isShutDown, state.idle[session.relay, default: []].count < maxIdlePerRelay {
                let id = state.nextID
                state.nextID += 1
                let timer = loop.schedule(after: idleTimeout) { [self] in self.idleTimedOut(id, relay: session.relay) }
                state.idle[session.relay, default: []].append(Idle(id: id, session: session, timer: timer))
                return .keptIdle
            }
            state.open -= 1
            return .close
        }
        switch disposal {
        case .keptIdle:
            break
        case .handOver(let waiter):
            waiter.continuation.resume(returning: .session(session))
        case .close:
            retire(session, politely: keep)
        case .closeAndHandSlot(let waiter):
            retire(session, politely: keep)
            waiter.continuation.resume(returning: .slot)
        }
    }

    /// Gives back a slot whose session could not be opened (or was closed by its holder).
    func releaseSlot() {
        let waiter: Waiter? = state.withLock { state in
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                waiter.timer?.cancel()
                return waiter
            }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .slot)
    }

    /// Refuses new work, fails the waiters, and closes the idle sessions with `QUIT`. Sessions in use are
    /// closed when they are released.
    func shutdown() async {
        let (idle, waiters): ([Idle], [Waiter]) = state.withLock { state in
            state.isShutDown = true
            let idle = state.idle.values.flatMap { $0 }
            state.idle = [:]
            state.open -= idle.count
            let waiters = state.waiters
            state.waiters = []
            return (idle, waiters)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .shutDown)
        }
        await withTaskGroup(of: Void.self) { group in
            for entry in idle {
                entry.timer?.cancel()
                group.addTask { await entry.session.quit() }
            }
        }
    }

    private func retire(_ session: SMTPSession, politely: Bool) {
        if politely {
            Task { await session.quit() }
        } else {
            session.close()
        }
    }

    private func waitTimedOut(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.timer?.cancel()
        waiter?.continuation.resume(returning: .limitReached)
    }

    private func idleTimedOut(_ id: UInt64, relay: SMTPRelay) {
        let session: SMTPSession? = state.withLock { state in
            guard var sessions = state.idle[relay], let index = sessions.firstIndex(where: { $0.id == id }) else {
                return nil
            }
            let entry = sessions.remove(at: index)
            state.idle[relay] = sessions.isEmpty ? nil : sessions
            state.open -= 1
            return entry.session
        }
        if let session { Task { await session.quit() } }
    }
}
