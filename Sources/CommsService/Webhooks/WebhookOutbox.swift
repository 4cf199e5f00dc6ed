import ServiceKit
import Synchronization

/// The webhook deliveries' workers, built like the email outbox (``CommsOutbox``) but with one claimer per
/// replica: it takes due deliveries from PostgreSQL in batches of up to ``WebhookSettings/batchSize``
/// (`FOR UPDATE SKIP LOCKED` under a lease, so replicas share the work and a crashed replica's claims come back
/// when their lease ends) and starts each as its own try, within a ``WebhookWindow``: at most
/// ``WebhookSettings/workers`` tries in flight and ``WebhookSettings/perEndpoint`` to one endpoint. A try never
/// holds the claimer, so an endpoint that never answers holds its cap of the window for the timeout, and the
/// other endpoints' deliveries keep flowing. Successes are recorded by a group commit (``WebhookSender``): one
/// statement for all the 2xx answers that arrive while the previous one commits.
///
/// The claimer wakes when deliveries are committed (``WebhookWake``: in-process from this replica's commits,
/// by the `NOTIFY` from other replicas'), when an endpoint that took all its room or the
/// full window has half drained, and every ``WebhookSettings/pollInterval`` (retries falling due). On a graceful stop it stops
/// claiming and the tries in flight finish (those not yet sent are put back). Delivery is at least once: a
/// crash after the POST and before the record sends again, with the same `webhook-id`, so receivers drop the
/// duplicate.
struct WebhookOutbox: Service {
    /// The tables.
    let store: CommsStore
    /// One try of one delivery.
    let sender: WebhookSender
    /// Concurrency, lease, polling.
    let settings: WebhookSettings
    /// The `LISTEN` connection's configuration; nil: poll only.
    let listener: PostgresConfiguration?
    /// Where failures are logged.
    let logger: Logger
    /// The tries in flight, in all and per endpoint.
    let window: WebhookWindow
    /// Wakes the claimer.
    let wakeup = OutboxWakeup()

    /// Creates the outbox (it starts with ``run()``).
    init(store: CommsStore, sender: WebhookSender, settings: WebhookSettings, listener: PostgresConfiguration?, logger: Logger) {
        self.store = store
        self.sender = sender
        self.settings = settings
        self.listener = listener
        self.logger = logger
        self.window = WebhookWindow(capacity: settings.workers, perEndpoint: settings.perEndpoint)
    }

    /// Runs the claimer and, beside it, the retention sweep (``WebhookRetention``) until a graceful stop.
    func run() async throws {
        let retention = WebhookRetention(store: store, settings: settings, logger: logger)
        try await OutboxRunner.run(
            workers: 1, listener: listener, channels: [store.webhookChannel], wakeup: wakeup
        ) { [wakeup] stopping in
            async let sweeping: Void = retention.run(stopping: stopping, wakeup: wakeup)
            await claim(stopping: stopping)
            await sweeping
        }
        sender.client.shutdown()
    }

    /// The claimer: claim what fits the window, start each try, repeat; wait when nothing is due or the
    /// window (or every due endpoint) is busy. Returns once stopping and every try it started has ended.
    private func claim(stopping: OutboxStopFlag) async {
        await withDiscardingTaskGroup { tries in
            var lastPartial: ContinuousClock.Instant?
            while !stopping.isStopping && !Task.isCancelled {
                // After a claim that found everything due, the next waits out ``claimGap``: under a steady
                // trickle of `NOTIFY`s, claims then gather what came meanwhile instead of one statement per delivery.
                if let lastPartial, ContinuousClock.now < lastPartial + Self.claimGap {
                    try? await Task.sleep(until: lastPartial + Self.claimGap)
                }
                let generation = wakeup.generation
                let limit = min(window.room, settings.batchSize)
                guard limit > 0 else {
                    await wakeup.wait(since: generation, timeout: settings.pollInterval)
                    continue
                }
                let offered = window.endpointRoom
                let batch: [ClaimedWebhookDelivery]
                let claimStart = ContinuousClock.now
                do {
                    batch = try await store.claimDeliveries(
                        limit: limit, perEndpoint: window.perEndpoint, lease: settings.lease, room: offered)
                    sender.metrics.claimSeconds.observe(ContinuousClock.now - claimStart)
                    sender.metrics.claimBatchSize.observe(Double(batch.count))
                } catch {
                    logger.warning("webhook claim failed", metadata: [.errorType: .errorType(error)])
                    await wakeup.wait(since: generation, timeout: settings.pollInterval)
                    continue
                }
                for delivery in batch {
                    // The claim fitted the window; a slot is missing only if an endpoint's room was misjudged.
                    guard window.enter(delivery.endpointID) else {
                        tries.addTask { await putBack(delivery, after: settings.pollInterval) }
                        continue
                    }
                    tries.addTask { await attempt(delivery, stopping: stopping) }
                }
                let taken = batch.reduce(into: [String: Int]()) { $0[$1.endpointID, default: 0] += 1 }
                // Fewer than asked: nothing more is due, or what is due belongs to endpoints that took all their
                // room — those wake the claimer once half drained (or now, if they already are).
                let after = window.claimed(taken, offered: offered)
                lastPartial = batch.count < limit && after == .nothingMoreDue ? ContinuousClock.now : nil
                if batch.count < limit, after != .claimAgain {
                    await wakeup.wait(since: generation, timeout: settings.pollInterval)
                }
            }
        }
    }

    /// The least time between a claim that took everything due and the next claim: at most this much
    /// latency added, and at most 100 such claims a second however many deliveries trickle in.
    static let claimGap: Duration = .milliseconds(10)

    /// Sends one claimed delivery (its slot taken) and gives the slot back; when stopping, puts it back unsent.
    /// The endpoint's slot is given back as soon as the request is over, the window's place once the outcome is
    /// recorded (successes wait for their group commit).
    private func attempt(_ delivery: ClaimedWebhookDelivery, stopping: OutboxStopFlag) async {
        let sent = Once { [window, wakeup] in if window.sent(delivery.endpointID) { wakeup.signal() } }
        defer {
            sent.run()
            if window.leave() { wakeup.signal() }
        }
        guard !stopping.isStopping, !Task.isCancelled else {
            await putBack(delivery, after: .zero)
            return
        }
        do {
            try await sender.deliver(delivery, onSent: sent.run)
        } catch {
            // The lease expires and the delivery is tried again.
            logger.error("webhook attempt not recorded", metadata: [
                .deliveryID: .string(delivery.id), .projectID: .string(delivery.projectID), .errorType: .errorType(error),
            ])
        }
    }

    /// Hands a claimed delivery back untried (if that fails, its lease expires).
    private func putBack(_ delivery: ClaimedWebhookDelivery, after delay: Duration) async {
        do {
            try await store.putBack(delivery, after: delay)
        } catch {
            logger.warning("webhook put-back failed", metadata: [
                .deliveryID: .string(delivery.id), .errorType: .errorType(error),
            ])
        }
    }

    /// Wakes the claimer at once (e.g. after committing a delivery in this process).
    func poke() {
        wakeup.signal()
    }
}

/// Runs an action at most once, from whichever caller comes first.
private final class Once: Sendable {
    private let done = Atomic<Bool>(false)
    private let action: @Sendable () -> Void

    init(_ action: @escaping @Sendable () -> Void) {
        self.action = action
    }

    /// Runs the action unless it already ran.
    func run() {
        if !done.exchange(true, ordering: .acquiringAndReleasing) { action() }
    }
}
