import Synchronization
import Wire

/// A route handler's deadline, enforced in the request's own task: a timer on the connection's loop cancels
/// the task when the deadline passes, and ``run(_:on:_:)`` then reports the timeout (nil), whatever the
/// handler did after the cancellation. No child tasks and no racing sleep: a request is one task.
///
/// ```swift
/// guard let result = try await RouteDeadline.run(route.deadline, on: loop, { try await route.handler(request) })
/// else { throw RouterError.upstreamTimeout }
/// ```
///
/// The handler stops as soon as it honours cancellation: Wire calls fail at once (and carry the same deadline
/// to the service, `CallContext.deadline`), PostgreSQL statements finish first — as they did when the deadline
/// was a racing child task, whose task group also waited for the cancelled handler.
final class RouteDeadline: Sendable {
    /// The running task, for the timer to cancel; used only under the lock while `finished` is false, that
    /// is while ``run(_:on:_:)`` has not returned, so the task is alive whenever it is touched.
    private struct TaskReference: @unchecked Sendable {
        let task: UnsafeCurrentTask?
    }

    private struct State {
        var finished = false
        var passed = false
    }

    private let task: TaskReference
    private let state = Mutex(State())

    private init(task: TaskReference) {
        self.task = task
    }

    /// Runs `body` in the calling task; its result, or nil when `duration` passed first (the task was then
    /// cancelled, and `body`'s own result or error is dropped).
    static func run<T>(
        _ duration: Duration, on loop: EventLoop, _ body: () async throws -> T
    ) async throws -> T? {
        let deadline = RouteDeadline(task: TaskReference(task: withUnsafeCurrentTask { $0 }))
        let timer = loop.schedule(after: duration) { deadline.pass() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body())
        } catch {
            result = .failure(error)
        }
        timer.cancel()
        let passed = deadline.state.withLock { state in
            state.finished = true
            return state.passed
        }
        if passed { return nil }
        return try result.get()
    }

    /// The timer fired: note it and cancel the task, unless the body already returned.
    private func pass() {
        state.withLock { state in
            guard !state.finished else { return }
            state.passed = true
            task.task?.cancel()
        }
    }
}
