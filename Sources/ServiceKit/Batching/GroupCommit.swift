import Synchronization

/// Gathers concurrent writes and commits them together — group commit, as PostgreSQL does with its own WAL
/// flushes — so that N concurrent callers cost one transaction instead of N, and each caller is answered only
/// after the commit that holds its write.
///
/// Batching is natural, with no timer: the first caller to find no commit in flight becomes the *leader* and
/// commits its own item at once (at concurrency 1 nothing waits: no added latency); callers arriving while a
/// commit is in flight queue up, and when it ends, the first of them is woken to lead the next commit with
/// everything queued by then (up to ``maximumBatch``). The leader runs `flush` in its own task, so no extra task
/// or thread hop is paid per batch.
///
/// ```swift
/// let accepts = GroupCommit<NewMessage, SendEmailResponse>(maximumBatch: 256) { messages in
///     await store.insertAll(messages)          // one transaction; one result per message, in order
/// }
/// let answer = try await accepts.submit(message)
/// ```
///
/// `flush` returns one result per item, in order: one bad item fails alone. If `flush` itself throws (the
/// transaction failed as a whole), every item of the batch gets that error — callers retry, nothing was
/// committed. ``batchSizes`` counts the batch sizes seen, for the benchmarks.
public final class GroupCommit<Item: Sendable, Outcome: Sendable>: Sendable {
    /// Commits a batch: one result per item, in the items' order.
    public typealias Flush = @Sendable ([Item]) async throws -> [Result<Outcome, any Error>]

    /// What a queued caller is woken with.
    private enum Wake: Sendable {
        case done(Result<Outcome, any Error>)
        case lead
    }

    private struct Waiter: Sendable {
        let item: Item
        let continuation: CheckedContinuation<Wake, Never>
    }

    private struct State: Sendable {
        var queue: [Waiter] = []
        var leading = false
        var histogram: [Int: Int] = [:]
    }

    /// The most items one commit takes.
    public let maximumBatch: Int
    private let flush: Flush
    private let state = Mutex(State())

    /// A group commit of at most `maximumBatch` items a transaction.
    public init(maximumBatch: Int = 256, flush: @escaping Flush) {
        precondition(maximumBatch >= 1)
        self.maximumBatch = maximumBatch
        self.flush = flush
    }

    /// Commits `item` with whatever else is waiting and answers its outcome once that commit is done.
    public func submit(_ item: Item) async throws -> Outcome {
        let leadsNow = state.withLock { state -> Bool in
            guard !state.leading else { return false }
            state.leading = true
            return true
        }
        if leadsNow { return try await lead(first: item) }
        let wake = await withCheckedContinuation { continuation in
            // Between the check above and here the leader may have finished: then this caller leads.
            let leadsAfterAll = state.withLock { state -> Bool in
                if !state.leading {
                    state.leading = true
                    return true
                }
                state.queue.append(Waiter(item: item, continuation: continuation))
                return false
            }
            if leadsAfterAll { continuation.resume(returning: .lead) }
        }
        switch wake {
        case .done(let result): return try result.get()
        // Woken to lead (the leader before handed over, or it finished just now): this caller's item is not
        // in the queue, so it goes first in the next batch.
        case .lead: return try await lead(first: item)
        }
    }

    /// Commits `first` with queued items, answers them, and hands the lead to the next queued caller (if any).
    private func lead(first: Item) async throws -> Outcome {
        let others = state.withLock { state -> [Waiter] in
            let count = min(state.queue.count, maximumBatch - 1)
            let taken = Array(state.queue.prefix(count))
            state.queue.removeFirst(count)
            state.histogram[count + 1, default: 0] += 1
            return taken
        }
        let items = [first] + others.map(\.item)
        let results: [Result<Outcome, any Error>]
        do {
            results = try await flush(items)
        } catch {
            results = Array(repeating: .failure(error), count: items.count)
        }
        for (index, waiter) in others.enumerated() {
            let result = index + 1 < results.count ? results[index + 1] : .failure(GroupCommitError.missingResult)
            waiter.continuation.resume(returning: .done(result))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.queue.isEmpty else {
                state.leading = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return try (results.first ?? .failure(GroupCommitError.missingResult)).get()
    }

    /// How many batches of each size were committed so far.
    public var batchSizes: [Int: Int] { state.withLock { $0.histogram } }
}

/// A ``GroupCommit`` flush returned fewer results than items.
public struct GroupCommitError: Error, Sendable, Hashable {
    /// The flush answered no result for an item.
    public static let missingResult = GroupCommitError()
}
