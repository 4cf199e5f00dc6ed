import ServiceKit

/// The webhook deliveries' workers, built like the email outbox (``CommsOutbox``):
/// ``WebhookSettings/workers`` claimers take due deliveries from PostgreSQL (`FOR UPDATE SKIP LOCKED` under
/// a lease, so replicas share the work and a crashed worker's claims come back when their lease ends), each
/// sending its claim's deliveries at once through ``WebhookSender``.
///
/// Workers wake on the `NOTIFY` of a committed delivery and every ``WebhookSettings/pollInterval`` (retries
/// falling due). At most ``WebhookSettings/perEndpoint`` tries to one endpoint run at once in a replica
/// (claims skip endpoints at their cap), so an endpoint that never answers holds that many sends for the
/// timeout, never every worker. On a graceful stop the workers stop claiming, finish the tries in flight and
/// put back what they had not started. Delivery is at least once: a crash after the POST and before the
/// record sends again, with the same `webhook-id`, so receivers drop the duplicate.
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
    /// In-flight tries per endpoint (``SendSlots``' per-project cap, keyed by endpoint id).
    let slots: SendSlots
    /// Wakes idle workers.
    let wakeup = OutboxWakeup()

    /// Creates the outbox (it starts with ``run()``).
    init(store: CommsStore, sender: WebhookSender, settings: WebhookSettings, listener: PostgresConfiguration?, logger: Logger) {
        self.store = store
        self.sender = sender
        self.settings = settings
        self.listener = listener
        self.logger = logger
        self.slots = SendSlots(perProject: settings.perEndpoint, perRelay: 1)
    }

    func run() async throws {
        try await OutboxRunner.run(
            workers: settings.workers, listener: listener, channels: [store.webhookChannel], wakeup: wakeup
        ) { stopping in await work(stopping: stopping) }
        sender.client.shutdown()
    }

    /// One worker: claim, send the claim's deliveries at once, repeat; wait when nothing is due.
    private func work(stopping: OutboxStopFlag) async {
        while !stopping.isStopping && !Task.isCancelled {
            let generation = wakeup.generation
            let batch: [ClaimedWebhookDelivery]
            do {
                batch = try await store.claimDeliveries(
                    limit: settings.batchSize, perEndpoint: settings.perEndpoint, lease: settings.lease,
                    excluding: slots.busyProjects)
            } catch {
                logger.warning("webhook claim failed", metadata: [.errorType: .errorType(error)])
                await wakeup.wait(since: generation, timeout: settings.pollInterval)
                continue
            }
            if batch.isEmpty {
                await wakeup.wait(since: generation, timeout: settings.pollInterval)
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                for delivery in batch {
                    group.addTask { await attempt(delivery, stopping: stopping) }
                }
            }
        }
    }

    /// Sends one claimed delivery within its endpoint's cap; otherwise (or when stopping) puts it back. Two
    /// workers may claim the same endpoint's deliveries before either takes a slot: a brief wait for a slot
    /// (``slotWait``) saves putting them back and claiming them again.
    private func attempt(_ delivery: ClaimedWebhookDelivery, stopping: OutboxStopFlag) async {
        do {
            guard !stopping.isStopping, !Task.isCancelled, await enterSlot(of: delivery) else {
                try await store.putBack(delivery, after: stopping.isStopping ? .zero : settings.pollInterval)
                return
            }
            defer { slots.leave(project: delivery.endpointID) }
            try await sender.deliver(delivery)
        } catch {
            // The lease expires and the delivery is tried again.
            logger.error("webhook attempt not recorded", metadata: [
                .deliveryID: .string(delivery.id), .projectID: .string(delivery.projectID), .errorType: .errorType(error),
            ])
        }
    }

    /// How long a claimed delivery waits for a slot of its endpoint before it is put back.
    static let slotWait: Duration = .milliseconds(100)

    /// Takes a slot of the delivery's endpoint, waiting up to ``slotWait``.
    private func enterSlot(of delivery: ClaimedWebhookDelivery) async -> Bool {
        let deadline = ContinuousClock.now + Self.slotWait
        while !slots.enter(project: delivery.endpointID) {
            guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(1))) != nil else { return false }
        }
        return true
    }

    /// Wakes idle workers at once (e.g. after committing a delivery in this process).
    func poke() {
        wakeup.signal()
    }
}
