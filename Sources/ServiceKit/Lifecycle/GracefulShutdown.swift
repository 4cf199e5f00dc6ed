import Synchronization

/// The graceful-shutdown request of one service, reached through a task-local so that every task the
/// service starts can see it (the same idea as swift-service-lifecycle's `GracefulShutdownManager`).
final class GracefulShutdownToken: Sendable {
    /// The token of the service the current task belongs to, set by ``ServiceGroup``.
    @TaskLocal static var current: GracefulShutdownToken?

    private struct State {
        var triggered = false
        var nextID = 0
        var handlers: [Int: @Sendable () -> Void] = [:]
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var cancelledWaiters: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Whether shutdown was requested.
    var isTriggered: Bool { state.withLock { $0.triggered } }

    /// Requests shutdown: runs the handlers and wakes the waiters, once.
    func trigger() {
        let (handlers, waiters) = state.withLock { state -> ([@Sendable () -> Void], [CheckedContinuation<Void, any Error>]) in
            guard !state.triggered else { return ([], []) }
            state.triggered = true
            defer { state.handlers = [:]; state.waiters = [:] }
            return (Array(state.handlers.values), Array(state.waiters.values))
        }
        handlers.forEach { $0() }
        waiters.forEach { $0.resume() }
    }

    /// Registers `handler`; returns its id, or nil after running it at once if shutdown was already requested.
    func addHandler(_ handler: @escaping @Sendable () -> Void) -> Int? {
        let id = state.withLock { state -> Int? in
            guard !state.triggered else { return nil }
            state.nextID += 1
            state.handlers[state.nextID] = handler
            return state.nextID
        }
        if id == nil { handler() }
        return id
    }

    /// Unregisters a handler.
    func removeHandler(_ id: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    /// Suspends until shutdown is requested; throws `CancellationError` if the task is cancelled first.
    func wait() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.triggered { return .success(()) }
                    if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                if !state.triggered { state.cancelledWaiters.insert(id) }
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}

/// Suspends until the current service is asked to shut down gracefully. Throws `CancellationError` if
/// the task is cancelled first. Outside a ``ServiceGroup`` it waits for cancellation.
public func gracefulShutdown() async throws {
    try await (GracefulShutdownToken.current ?? GracefulShutdownToken()).wait()
}

/// Runs `operation`, calling `handler` once if the current service is asked to shut down gracefully
/// meanwhile (or at once if it already was). The handler should start the drain (stop accepting, close
/// idle connections) and return quickly; `operation` then finishes the work in flight and returns.
///
/// ```swift
/// try await withGracefulShutdownHandler {
///     try await server.serve()
/// } onGracefulShutdown: {
///     server.beginDrain()
/// }
/// ```
public func withGracefulShutdownHandler<T>(
    isolation: isolated (any Actor)? = #isolation,
    operation: () async throws -> T,
    onGracefulShutdown handler: @escaping @Sendable () -> Void
) async rethrows -> T {
    guard let token = GracefulShutdownToken.current else {
        return try await operation()
    }
    let id = token.addHandler(handler)
    defer {
        if let id { token.removeHandler(id) }
    }
    return try await operation()
}

extension Task where Success == Never, Failure == Never {
    /// Sleeps for `duration` unless the current service is asked to shut down gracefully (or the task is
    /// cancelled) first; returns whether the full duration passed. For services' periodic loops, so a long
    /// interval never holds up a drain:
    ///
    /// ```swift
    /// while await Task.sleepUnlessShuttingDown(for: .seconds(300)) { try await refresh() }
    /// ```
    public static func sleepUnlessShuttingDown(for duration: Duration) async -> Bool {
        if isShuttingDownGracefully { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await Task<Never, Never>.sleep(for: duration)) != nil }
            group.addTask {
                try? await gracefulShutdown()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Whether the current service has been asked to shut down gracefully.
    public static var isShuttingDownGracefully: Bool {
        GracefulShutdownToken.current?.isTriggered ?? false
    }
}
