import ServiceKit

/// How outbound webhooks are delivered (from the `WEBHOOK_*` variables; tests build their own with short
/// durations). The defaults follow Svix: 8 tries over about 27 hours, endpoints disabled after 5 days of
/// failures.
struct WebhookSettings: Sendable, Hashable {
    /// `WEBHOOK_RETRY_SCHEDULE` (default `5s,5m,30m,2h,5h,10h,10h`): the waits after each failed try.
    var retrySchedule = Self.standardSchedule
    /// `WEBHOOK_TIMEOUT_SECONDS` (1 to half the lease, default 15): a try that has no 2xx by then failed.
    var timeout: Duration = .seconds(15)
    /// `WEBHOOK_WORKERS` (1–1024, default 256): tries in flight at once, per replica (``WebhookWindow``).
    var workers = 256
    /// `WEBHOOK_CLAIM_BATCH` (1–500, default 100): the most deliveries one claim takes.
    var batchSize = 100
    /// `WEBHOOK_ENDPOINT_CONCURRENCY` (1–256, default 64, at most `WEBHOOK_WORKERS`): tries to one endpoint at
    /// once, per replica, so a slow endpoint holds at most that many of the window (a quarter) while a healthy,
    /// fast one still goes wide (Svix's stance). It also bounds one claim for that endpoint (about half of it
    /// after a drain), which is what bounds one endpoint's rate: at 32, about 2,000 deliveries a second.
    var perEndpoint = 64
    /// `WEBHOOK_LEASE_SECONDS` (5–3600, default 60): how long a claim reserves its deliveries.
    var lease: Duration = .seconds(60)
    /// `WEBHOOK_POLL_INTERVAL_MS` (10–60000, default 1000): idle workers look for due retries this often.
    var pollInterval: Duration = .seconds(1)
    /// `WEBHOOK_DISABLE_AFTER` (default `5d`): an endpoint whose tries have all failed for this long is
    /// disabled and its project emailed.
    var disableAfter: Duration = .seconds(5 * 86_400)
    /// `WEBHOOK_ROTATION_OVERLAP` (default `24h`): how long a rotated-out secret still signs.
    var rotationOverlap: Duration = .seconds(86_400)
    /// `WEBHOOK_RETENTION` (default `90d`, at least `1h`): events older than this, whose deliveries are all
    /// final, are deleted with their deliveries (``WebhookRetention``).
    var retention: Duration = .seconds(90 * 86_400)
    /// How often the retention sweep runs (not configurable; tests call ``WebhookRetention/pruneOnce()``).
    var retentionSweepInterval: Duration = .seconds(3600)
    /// `WEBHOOK_ALLOW_HTTP` (default: `OUTBOUND_ALLOW_PRIVATE_NETWORKS`): whether `http://` URLs are accepted.
    var allowsPlainHTTP = false
    /// `OUTBOUND_ALLOW_PRIVATE_NETWORKS`: whether endpoints may be on loopback, private or CGNAT addresses.
    var allowsPrivateNetworks = false

    /// Svix's schedule.
    static let standardSchedule = RetrySchedule(
        delays: [.seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000), .seconds(36_000),
                 .seconds(36_000)],
        jitter: 0.1)

    /// The outbound policy for endpoint URLs.
    var policy: OutboundPolicy {
        OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: allowsPrivateNetworks)
    }
}

extension WebhookSettings {
    /// Reads the `WEBHOOK_*` variables, recording problems in `reader`; `allowsPrivateNetworks` is
    /// `OUTBOUND_ALLOW_PRIVATE_NETWORKS`, read once by the caller.
    init(reading reader: inout EnvironmentReader, allowsPrivateNetworks: Bool) {
        self.init()
        if let text = reader.raw("WEBHOOK_RETRY_SCHEDULE") {
            do {
                retrySchedule = try RetrySchedule(parsing: text, jitter: 0.1)
            } catch {
                reader.record("WEBHOOK_RETRY_SCHEDULE", .malformed,
                              expected: "1 to 20 comma-separated delays such as 5s,5m,30m,2h,5h,10h,10h (ms, s, m, h, d)")
            }
        }
        let leaseSeconds = reader.integer("WEBHOOK_LEASE_SECONDS", default: 60, range: 5...3600)
        lease = .seconds(leaseSeconds)
        timeout = .seconds(reader.integer("WEBHOOK_TIMEOUT_SECONDS", default: min(15, leaseSeconds / 2),
                                          range: 1...max(1, leaseSeconds / 2)))
        workers = reader.integer("WEBHOOK_WORKERS", default: 256, range: 1...1024)
        batchSize = reader.integer("WEBHOOK_CLAIM_BATCH", default: 100, range: 1...500)
        perEndpoint = min(reader.integer("WEBHOOK_ENDPOINT_CONCURRENCY", default: 64, range: 1...256), workers)
        pollInterval = .milliseconds(reader.integer("WEBHOOK_POLL_INTERVAL_MS", default: 1000, range: 10...60_000))
        disableAfter = Self.duration(&reader, "WEBHOOK_DISABLE_AFTER", default: disableAfter, example: "5d")
        rotationOverlap = Self.duration(&reader, "WEBHOOK_ROTATION_OVERLAP", default: rotationOverlap, example: "24h")
        let kept = Self.duration(&reader, "WEBHOOK_RETENTION", default: retention, example: "90d")
        if kept < .seconds(3600) {
            reader.record("WEBHOOK_RETENTION", .outOfRange, expected: "a duration of at least 1h, such as 90d")
        } else {
            retention = kept
        }
        self.allowsPrivateNetworks = allowsPrivateNetworks
        allowsPlainHTTP = allowsPrivateNetworks
        if let text = reader.raw("WEBHOOK_ALLOW_HTTP") {
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "1", "true", "yes": allowsPlainHTTP = true
            case "0", "false", "no": allowsPlainHTTP = false
            default: reader.record("WEBHOOK_ALLOW_HTTP", .malformed, expected: "1 or 0")
            }
        }
    }

    /// One duration such as `5d` or `300ms` (the schedule's syntax, one entry).
    private static func duration(
        _ reader: inout EnvironmentReader, _ name: String, default value: Duration, example: String
    ) -> Duration {
        guard let text = reader.raw(name) else { return value }
        guard let parsed = try? RetrySchedule(parsing: text, jitter: 0), parsed.delays.count == 1 else {
            reader.record(name, .malformed, expected: "one duration such as \(example) (ms, s, m, h, d)")
            return value
        }
        return parsed.delays[0]
    }
}
