import ServiceKit

/// The webhook deliveries' metrics, in Comms' registry (beside `comms_email_accept_batch_size`):
///
/// - `comms_webhook_attempts_total{outcome}`: tries by what became of them — `succeeded` (a 2xx), `retry` (failed,
///   due again on the schedule), `failed` (failed, the last try), `abandoned` (the endpoint was disabled since the
///   delivery was made; nothing sent).
/// - `comms_webhook_attempt_seconds`: how long each POST took, from the request to the response's end or the
///   failure (a timeout counts its full wait), whatever the outcome.
/// - `comms_webhook_record_batch_size`: 2xx answers recorded together by one statement (the group commit).
/// - `comms_webhook_claim_seconds`, `comms_webhook_claim_batch_size`: each claim statement's duration and the
///   deliveries it took (the claimer is one loop per replica: these say how much of its time it spends claiming).
struct WebhookMetrics: Sendable {
    /// What became of a try.
    enum Outcome: String, CaseIterable, Sendable {
        case succeeded, retry, failed, abandoned
    }

    private let attempts: [Outcome: Counter]
    /// Each POST's duration.
    let attemptSeconds: Histogram
    /// Successes per recording statement.
    let recordBatchSize: Histogram
    /// Each claim statement's duration.
    let claimSeconds: Histogram
    /// Deliveries per claim.
    let claimBatchSize: Histogram

    /// The metrics, registered in `registry`.
    init(registry: MetricsRegistry) {
        var attempts: [Outcome: Counter] = [:]
        for outcome in Outcome.allCases {
            attempts[outcome] = registry.counter(
                "comms_webhook_attempts_total", help: "Webhook delivery tries, by outcome.",
                labels: ["outcome": outcome.rawValue])
        }
        self.attempts = attempts
        attemptSeconds = registry.histogram(
            "comms_webhook_attempt_seconds", help: "Duration of each webhook POST, whatever its outcome.",
            buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15])
        recordBatchSize = registry.histogram(
            "comms_webhook_record_batch_size", help: "Successful webhook tries recorded by one statement.",
            buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500])
        claimSeconds = registry.histogram(
            "comms_webhook_claim_seconds", help: "Duration of each webhook claim statement.",
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1])
        claimBatchSize = registry.histogram(
            "comms_webhook_claim_batch_size", help: "Webhook deliveries taken by one claim.",
            buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200, 500])
    }

    /// Counts a try's outcome.
    func count(_ outcome: Outcome) {
        attempts[outcome]?.increment()
    }

    /// Tries so far with `outcome` (tests).
    func count(of outcome: Outcome) -> UInt64 {
        attempts[outcome]?.value ?? 0
    }
}
