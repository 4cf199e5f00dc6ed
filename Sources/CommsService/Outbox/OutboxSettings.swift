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
    /// The deadline of one attempt, everything included (`COMMS_SEND_TIMEOUT_SECONDS`; at most half the
    /// lease, so a message is never claimed again while it is being sent).
    var sendTimeout: Duration
    /// Sends of one project at once in this replica (`COMMS_WORKERS_PER_PROJECT`).
    var workersPerProject: Int = 2
    /// Sends to one project relay (host and port, all projects together) at once in this replica
    /// (`COMMS_SENDS_PER_RELAY`).
    var sendsPerRelay: Int = 4
    /// Messages one worker claims at once: one, so no message waits in a worker's hands behind another
    /// project's send (and its lease cannot run out before its turn).
    var batchSize: Int = 1
    /// Messages of one project in one claim.
    var perProjectBatch: Int = 1
}
