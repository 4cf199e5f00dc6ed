import ServiceKit
import Synchronization

/// The durable outbox's workers: ``OutboxSettings/workers`` concurrent senders that claim due messages
/// from PostgreSQL (`FOR UPDATE SKIP LOCKED`, so several replicas share the work), send them through
/// ``MessageDelivery`` and record each attempt.
///
/// Workers wake on the store's `NOTIFY` channel (a message was committed) and every
/// ``OutboxSettings/pollInterval`` (retries falling due, `send_at`, missed notifications). A project over
/// its rate (``ProjectRateLimiter``) has its claimed messages put back, not counted as attempts. On a graceful
/// shutdown the workers stop claiming, finish the send in progress and put back what they had claimed; a
/// crash leaves leases that expire, after which another worker sends again (at least once; the stable
/// `Message-ID` lets receivers drop the duplicate).
///
/// ```swift
/// let outbox = CommsOutbox(store: store, delivery: delivery, settings: config.outboxSettings,
///                          listener: pool.configuration, logger: logger)
/// return [database, wire, outbox]
/// ```
struct CommsOutbox: Service {
    /// The tables.
    let store: CommsStore
    /// One attempt of one message.
    let delivery: MessageDelivery
    /// Concurrency, lease, polling, fair use.
    let settings: OutboxSettings
    /// The `LISTEN` connection's configuration; nil: poll only.
    let listener: PostgresConfiguration?
    /// Where failures are logged.
    let logger: Logger
    /// Fair use per project.
    let limiter: ProjectRateLimiter
    /// In-flight caps per project and per relay (shared with ``delivery``).
    var slots: SendSlots { delivery.slots }
    /// Wakes idle workers.
    let wakeup = OutboxWakeup()

    /// Creates the outbox (it starts with ``run()``).
    init(
        store: CommsStore, delivery: MessageDelivery, settings: OutboxSettings, listener: PostgresConfiguration?,
        logger: Logger
    ) {
        self.store = store
        self.delivery = delivery
        self.settings = settings
        self.listener = listener
        self.logger = logger
        self.limiter = ProjectRateLimiter(ratePerSecond: settings.projectRatePerSecond)
        precondition(delivery.slots.perProject == settings.workersPerProject, "one SendSlots for the outbox and delivery")
    }

    func run() async throws {
        try await OutboxRunner.run(
            workers: settings.workers, listener: listener, channels: [store.channel], wakeup: wakeup
        ) { stopping in await work(stopping: stopping) }
        await delivery.transport.shutdown()
    }

    /// One worker: claim, send, repeat; wait when nothing is due.
    private func work(stopping: OutboxStopFlag) async {
        while !stopping.isStopping && !Task.isCancelled {
            let generation = wakeup.generation
            let batch: [ClaimedMessage]
            do {
                batch = try await store.claim(limit: settings.batchSize, perProject: settings.perProjectBatch,
                                              lease: settings.lease, excluding: slots.busyProjects)
            } catch {
                logger.warning("outbox claim failed", metadata: [.errorType: .errorType(error)])
                await wakeup.wait(since: generation, timeout: settings.pollInterval)
                continue
            }
            if batch.isEmpty {
                await wakeup.wait(since: generation, timeout: settings.pollInterval)
                continue
            }
            for message in batch {
                do {
                    if stopping.isStopping || Task.isCancelled {
                        try await store.putBack(message, after: .zero)
                    } else {
                        try await send(message)
                    }
                } catch {
                    // The lease expires and the message is tried again.
                    logger.error("outbox attempt not recorded", metadata: [
                        .messageID: .string(message.id), .projectID: .string(message.projectID),
                        .errorType: .errorType(error),
                    ])
                }
            }
        }
    }

    /// Sends one claimed message within its project's cap and rate; otherwise puts it back unattempted.
    private func send(_ message: ClaimedMessage) async throws {
        guard slots.enter(project: message.projectID) else {
            // Another worker of this replica took the project's last slot since the claim.
            try await store.putBack(message, after: settings.pollInterval)
            return
        }
        defer { slots.leave(project: message.projectID) }
        if let wait = limiter.acquire(message.projectID) {
            try await store.putBack(message, after: wait)
        } else {
            try await delivery.deliver(message)
        }
    }

    /// Wakes idle workers at once (e.g. after accepting a message in this process).
    func poke() {
        wakeup.signal()
    }
}
