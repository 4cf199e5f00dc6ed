import Synchronization

/// Keep-alive connections per origin (scheme, host, port), at most ``maxPerOrigin`` open per origin. A
/// caller ``acquire(_:)``s a lease — an idle connection to reuse, or a permit to open one — and gives it
/// back with ``release(_:to:)`` (kept idle if still reusable, else closed) or ``forfeit(_:)`` (the permit
/// was not used). At the cap, callers wait in order; cancelling a waiting task takes it out of the line.
/// Idle connections close after ``idleTimeout`` (the server's closing of one is noticed at the next acquire).
final class HTTPConnectionPool: Sendable {
    /// What pools connections together.
    struct Origin: Hashable, Sendable {
        var scheme: String
        var host: String
        var port: Int
    }

    /// What ``acquire(_:)`` grants.
    enum Lease: Sendable {
        case reuse(HTTPClientConnection)
        case open
    }

    private struct Line {
        var idle: [HTTPClientConnection] = []
        var open = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Lease, any Error>)] = []
    }

    private struct State {
        var lines: [Origin: Line] = [:]
        var nextWaiter: UInt64 = 0
        var closed = false
    }

    /// The most connections open to one origin.
    let maxPerOrigin: Int
    /// How long an unused connection is kept.
    let idleTimeout: Duration
    private let state = Mutex(State())

    init(maxPerOrigin: Int, idleTimeout: Duration) {
        self.maxPerOrigin = max(maxPerOrigin, 1)
        self.idleTimeout = idleTimeout
    }

    /// An idle reusable connection to `origin`, else a permit to open one, waiting while the origin is full.
    func acquire(_ origin: Origin) async throws(HTTPClientError) -> Lease {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let lease = state.withLock { state -> Lease? in
                        var line = state.lines[origin, default: Line()]
                        defer { state.lines[origin] = line }
                        while let connection = line.idle.popLast() {
                            if connection.isReusable { return .reuse(connection) }
                            line.open -= 1
                        }
                        if line.open < maxPerOrigin {
                            line.open += 1
                            return .open
                        }
                        line.waiters.append((id, continuation))
                        return nil
                    }
                    if let lease { continuation.resume(returning: lease) }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    let index = state.lines[origin]?.waiters.firstIndex { $0.id == id }
                    return index.map { state.lines[origin]!.waiters.remove(at: $0).continuation }
                }
                waiter?.resume(throwing: HTTPClientError(.cancelled, "the request was cancelled"))
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.cancelled, "the request was cancelled")
        }
    }

    /// Gives a connection back: a waiter gets it, or it waits idle; closed instead if not reusable.
    func release(_ connection: HTTPClientConnection, to origin: Origin) {
        guard connection.isReusable else {
            connection.close()
            forfeit(origin)
            return
        }
        let waiter = state.withLock { state -> CheckedContinuation<Lease, any Error>?? in
            if state.closed { return .some(nil) }
            guard !(state.lines[origin]?.waiters.isEmpty ?? true) else {
                state.lines[origin]!.idle.append(connection)
                return nil
            }
            return state.lines[origin]!.waiters.removeFirst().continuation
        }
        switch waiter {
        case .some(.some(let waiter)): waiter.resume(returning: .reuse(connection))
        case .some(.none):
            connection.close()
            forfeit(origin)
        case .none: connection.park(idleTimeout: idleTimeout)
        }
    }

    /// A permit (or a connection) is gone: the next waiter may open one.
    func forfeit(_ origin: Origin) {
        let waiter = state.withLock { state in
            guard !(state.lines[origin]?.waiters.isEmpty ?? true) else {
                state.lines[origin]?.open -= 1
                return nil as CheckedContinuation<Lease, any Error>?
            }
            return state.lines[origin]!.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: .open)
    }

    /// Connections open to `origin` (idle or in use): for tests and metrics.
    func openCount(_ origin: Origin) -> Int {
        state.withLock { $0.lines[origin]?.open ?? 0 }
    }

    /// Closes every idle connection; connections in use close when released.
    func shutdown() {
        let idle = state.withLock { state in
            state.closed = true
            defer { for origin in state.lines.keys { state.lines[origin]!.idle = [] } }
            return state.lines.values.flatMap(\.idle)
        }
        for connection in idle { connection.close() }
    }
}
