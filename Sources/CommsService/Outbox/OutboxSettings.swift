/// How the outbox works: concurrency, leases, polling, retries and fair use (from `CommsServiceConfig`;
/// tests build their own with short durations).
struct OutboxSettings: Sendable, Hashable {
    /// Concurrent senders (`COMMS_WORKERS`).
    var workers: Int
    /// How long a claim reserves a message (`COMMS_LEASE_SECONDS`): a crashed worker's messages are sent
    /// again after it.
    var lease: Duration
    /// How often an idle worker looks for due messages without a `NOTIFY` (`COMMS_POLL_INTERVAL_MS`).
    var pollInterval: Duration
    /// The waits between attempts (`COMMS_RETRY_SCHEDULE`).
    var retrySchedule: RetrySchedule
    /// Each project's sends per second (`COMMS_PROJECT_RATE_PER_SECOND`).
    var projectRatePerSecond: Double
    /// Messages one worker claims at once.
    var batchSize: Int = 5
    /// Messages of one project in one claim.
    var perProjectBatch: Int = 2
}
