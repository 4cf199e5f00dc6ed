import ServiceKit

extension LogKey {
    /// How many webhook events a sweep deleted.
    static let prunedEvents = LogKey("webhook.pruned_events")
}

/// Prunes old webhook events with their deliveries (Svix keeps 90 days): every
/// ``WebhookSettings/retentionSweepInterval`` (and at start) it deletes the events older than
/// ``WebhookSettings/retention`` whose deliveries are all final, ``batch`` at a time until none is left.
/// It runs beside the webhook outbox's claimer (``WebhookOutbox``) and stops with it. After pruning, an
/// event's id is forgotten: `comms.EmitEvent` with that id would record it again (callers retry for minutes,
/// not months).
struct WebhookRetention: Sendable {
    /// The tables.
    let store: CommsStore
    /// The retention and how often to sweep.
    let settings: WebhookSettings
    /// Where failures are logged.
    let logger: Logger
    /// Events one statement deletes.
    static let batch = 1000

    /// One sweep: deletes every prunable event, a batch at a time. Returns how many went.
    @discardableResult
    func pruneOnce() async throws -> Int {
        var total = 0
        while true {
            let pruned = try await store.pruneWebhookEvents(olderThan: settings.retention, limit: Self.batch)
            total += pruned
            if pruned < Self.batch { return total }
        }
    }

    /// Sweeps at start and then every interval until `stopping` (woken by `wakeup`, which a stop signals).
    func run(stopping: OutboxStopFlag, wakeup: OutboxWakeup) async {
        var next = ContinuousClock.now
        while !stopping.isStopping && !Task.isCancelled {
            let generation = wakeup.generation
            if ContinuousClock.now >= next {
                do {
                    let pruned = try await pruneOnce()
                    if pruned > 0 {
                        logger.info("webhook events pruned", metadata: [.prunedEvents: .int(pruned)])
                    }
                } catch {
                    logger.warning("webhook event pruning failed", metadata: [.errorType: .errorType(error)])
                }
                next = ContinuousClock.now + settings.retentionSweepInterval
            }
            await wakeup.wait(since: generation, timeout: next - ContinuousClock.now)
        }
    }
}
