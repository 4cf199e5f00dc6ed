import Synchronization

/// Application-level group commit: calls that arrive while a batch is in flight wait and go together in the
/// next one — one database transaction and one commit for many reservations (or settlements) instead of one
/// each. Each caller gets its own result only after the batch's commit, so what it is told is durable exactly
/// as before; the no-overdraft argument is unchanged (the batch runs the same functions, in order, in one
/// transaction holding the same row locks). Batches are sorted by project id, so two replicas' batches take
/// the projects' locks in the same order.
///
/// Up to ``maximumInFlight`` batches run at once per instance (so projects that do not share rows use more than one
/// database session); a batch that fails as a whole (a database error, a deadlock broken by PostgreSQL) is retried
/// one call at a time, so one bad call fails alone.
final class GroupCommit<Item: Sendable, Result: Sendable>: Sendable {
    typealias Waiter = (project: String, item: Item, continuation: CheckedContinuation<Result, any Error>)

    private let state = Mutex<(running: Int, waiting: [Waiter])>((0, []))
    private let maximumBatch: Int
    private let maximumInFlight: Int
    private let run: @Sendable ([(project: String, item: Item)]) async throws -> [Result]

    /// `run` gets a batch sorted by project and answers one result per item, in order.
    init(
        maximumBatch: Int = 256, maximumInFlight: Int = 2,
        run: @escaping @Sendable ([(project: String, item: Item)]) async throws -> [Result]
    ) {
        self.maximumBatch = maximumBatch
        self.maximumInFlight = maximumInFlight
        self.run = run
    }

    /// Runs `item` for `project` in the next batch and returns its result.
    func submit(project: String, _ item: Item) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.waiting.append((project, item, continuation))
                guard state.running < maximumInFlight else { return false }
                state.running += 1
                return true
            }
            if start { Task { await drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                let taken = Array(state.waiting.prefix(maximumBatch))
                state.waiting.removeFirst(taken.count)
                if taken.isEmpty { state.running -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            let sorted = batch.sorted { $0.project < $1.project }
            do {
                let results = try await run(sorted.map { ($0.project, $0.item) })
                guard results.count == sorted.count else { throw GroupCommitError() }
                for (waiter, result) in zip(sorted, results) { waiter.continuation.resume(returning: result) }
            } catch where sorted.count > 1 {
                for waiter in sorted {
                    do {
                        let result = try await run([(waiter.project, waiter.item)])
                        waiter.continuation.resume(returning: result[0])
                    } catch {
                        waiter.continuation.resume(throwing: error)
                    }
                }
            } catch {
                sorted[0].continuation.resume(throwing: error)
            }
        }
    }
}

/// A batch answered a different number of results than it had calls (a bug): each call is retried alone.
struct GroupCommitError: Error {}
