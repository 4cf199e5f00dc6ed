import Synchronization

/// The emails a flow sends after it has answered (recovery), each in its own task, and a way to wait
/// for them: the graceful stop waits so that no accepted recovery email is lost on SIGTERM.
///
/// ```swift
/// pending.start { try? await mailer.send(…) }
/// await pending.waitUntilIdle()   // returns early if the waiting task is cancelled
/// ```
final class PendingEmails: Sendable {
    private struct State {
        var nextID = 0
        var tasks: [Int: Task<Void, Never>] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty set.
    init() {}

    /// How many sends are still running.
    var count: Int { state.withLock { $0.tasks.count } }

    /// Runs `send` in a new task, tracked until it returns.
    func start(_ send: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.nextID += 1
            let id = state.nextID
            // The task cannot finish (and untrack itself) before it is tracked: that needs this lock.
            state.tasks[id] = Task {
                await send()
                self.finished(id)
            }
        }
    }

    /// Suspends until no send is running, or until the calling task is cancelled (then at once).
    func waitUntilIdle() async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock: a cancellation after this point finds the waiter registered.
                let now = state.withLock { state -> Bool in
                    if state.tasks.isEmpty || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Untracks a finished send and wakes the waiters once none is left.
    private func finished(_ id: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.tasks[id] = nil
            guard state.tasks.isEmpty else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }
}
