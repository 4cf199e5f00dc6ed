import Foundation
import ServiceKit

/// A delivery a webhook worker has claimed, with what sending it needs. `attempts` already counts this
/// try and fences the outcome (it applies only while unchanged).
struct ClaimedWebhookDelivery: Sendable, Hashable {
    /// `whd_…`.
    let id: String
    /// The owning project.
    let projectID: String
    /// The endpoint.
    let endpointID: String
    /// `evt_…`: the `webhook-id`.
    let eventID: String
    /// The try this claim is (1 for the first).
    let attempts: Int
    /// The body.
    let payload: String
    /// Where to POST it.
    let url: String
    /// Whether the endpoint is still enabled (a disabled one's deliveries fail unsent).
    let endpointEnabled: Bool
    /// The current signing key, sealed.
    let secretSealed: [UInt8]
    /// The rotated-out key while it still signs, sealed.
    let previousSecretSealed: [UInt8]?
}

/// A try that an endpoint answered with a 2xx, to record (``CommsStore/deliveriesSucceeded(_:)``).
struct SucceededWebhookTry: Sendable, Hashable {
    /// The claimed delivery.
    let delivery: ClaimedWebhookDelivery
    /// The 2xx.
    let statusCode: Int
}

/// One row of ``CommsStore/deliveriesSucceeded(_:)``'s input.
private struct SucceededRow: Codable, Sendable {
    let id: String
    let attempts: Int
    let code: Int
}

/// An endpoint's remaining tries in flight, for a claim's input.
private struct EndpointRoom: Codable, Sendable {
    let endpoint: String
    let room: Int
}

/// An endpoint that a failure has just disabled (its project is told by email).
struct DisabledWebhookEndpoint: Sendable, Hashable {
    /// `we_…`.
    let id: String
    /// The owning project.
    let projectID: String
    /// Its URL, for the email.
    let url: String
    /// Where to tell, if known.
    let alertEmail: String?
}

extension CommsStore {
    /// Claims up to `limit` due pending deliveries (never tried, due for a retry, or leased by a worker that
    /// died), oldest due first, skipping rows other replicas hold (only the rows taken are locked): at most `perEndpoint` of one endpoint, at
    /// most `room[endpoint]` of an endpoint that already has tries in flight here, none of one whose room
    /// is 0. Each claim counts a try and leases the delivery for `lease`.
    func claimDeliveries(
        limit: Int, perEndpoint: Int, lease: Duration, room: [String: Int]
    ) async throws -> [ClaimedWebhookDelivery] {
        let full = room.filter { $0.value <= 0 }.map(\.key).sorted()
        let partial = room.filter { $0.value > 0 }.map { EndpointRoom(endpoint: $0.key, room: $0.value) }
        let rows = try await pool.query("""
            WITH due AS (
                SELECT id, endpoint_id, next_attempt_at FROM \(table("webhook_deliveries"))
                WHERE status = 'pending' AND next_attempt_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                  AND endpoint_id <> ALL(\(CommsSQL.textArray("$5")))
                ORDER BY next_attempt_at LIMIT $3
            ), picked AS (
                SELECT id FROM (
                    SELECT id, endpoint_id, next_attempt_at,
                           row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS rank
                    FROM due
                ) ranked
                LEFT JOIN jsonb_to_recordset($6::jsonb) AS busy(endpoint text, room int) ON busy.endpoint = ranked.endpoint_id
                WHERE rank <= coalesce(busy.room, $2) ORDER BY next_attempt_at LIMIT $1
            ), locked AS (
                -- Only the picked rows are locked (a lock is a write); one another replica holds, or has just
                -- leased (the condition is checked again on the newest version), is skipped.
                SELECT id FROM \(table("webhook_deliveries"))
                WHERE id = ANY(ARRAY(SELECT id FROM picked)) AND status = 'pending'
                  AND (lease_until IS NULL OR lease_until < now())
                FOR UPDATE SKIP LOCKED
            )
            UPDATE \(table("webhook_deliveries")) d
            SET attempts = d.attempts + 1, updated_at = clock_timestamp(),
                lease_until = clock_timestamp() + $4::bigint * interval '1 millisecond'
            FROM locked, \(table("webhook_events")) e, \(table("webhook_endpoints")) p
            WHERE d.id = locked.id AND e.id = d.event_id AND p.id = d.endpoint_id
            RETURNING d.id, d.project_id, d.endpoint_id, d.event_id, d.attempts, e.payload, p.url,
                      p.status = 'enabled', p.secret_sealed,
                      CASE WHEN p.previous_secret_until > clock_timestamp() THEN p.previous_secret_sealed END
            """, [limit, perEndpoint, limit * 4, lease.wholeMilliseconds, PostgresJSON(full), PostgresJSON(partial)])
        return try rows.map { row in
            let (id, projectID, endpointID, eventID, attempts, payload, url, enabled, secret, previous) =
                try row.decode((String, String, String, String, Int, String, String, Bool, [UInt8], [UInt8]?).self)
            return ClaimedWebhookDelivery(
                id: id, projectID: projectID, endpointID: endpointID, eventID: eventID, attempts: attempts,
                payload: payload, url: url, endpointEnabled: enabled, secretSealed: secret, previousSecretSealed: previous)
        }
    }

    /// Records a batch of 2xx answers in one statement (the webhook workers' group commit): each delivery
    /// succeeded and its endpoint's failing streak ends. One flag per try, in order: false if that claim was
    /// lost meanwhile (another worker took the delivery over after its lease).
    func deliveriesSucceeded(_ tries: [SucceededWebhookTry]) async throws -> [Bool] {
        guard !tries.isEmpty else { return [] }
        let rows = try await pool.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id text, attempts int, code int)
            ), done AS (
                UPDATE \(table("webhook_deliveries")) d
                SET status = 'succeeded', last_status_code = input.code, last_error = NULL, next_attempt_at = NULL,
                    lease_until = NULL, updated_at = clock_timestamp()
                FROM input
                -- By primary key (the ids as an array): a join alone is planned as a scan of every pending row.
                WHERE d.id = ANY(ARRAY(SELECT id FROM input)) AND d.id = input.id
                  AND d.status = 'pending' AND d.attempts = input.attempts
                RETURNING d.id, d.endpoint_id
            ), healed AS (
                UPDATE \(table("webhook_endpoints")) p SET failing_since = NULL
                WHERE p.id IN (SELECT endpoint_id FROM done) AND p.failing_since IS NOT NULL
            )
            SELECT id FROM done
            """, [PostgresJSON(tries.map { SucceededRow(id: $0.delivery.id, attempts: $0.delivery.attempts, code: $0.statusCode) })])
        let done = Set(try rows.map { try $0.decode(String.self, at: 0) })
        return tries.map { done.contains($0.delivery.id) }
    }

    /// Records a failed try: pending again after `retryAfter`, or `failed` when nil. The endpoint's failing
    /// streak starts if it had none; if it has lasted `disableAfter`, the endpoint is disabled and its
    /// pending deliveries failed, in the same transaction — then it is returned, for the email.
    func deliveryFailed(
        _ delivery: ClaimedWebhookDelivery, statusCode: Int?, error: String, retryAfter: Duration?,
        disableAfter: Duration
    ) async throws -> DisabledWebhookEndpoint? {
        try await pool.withTransaction { tx in
            let updated = try await tx.execute("""
                UPDATE \(table("webhook_deliveries"))
                SET status = CASE WHEN $5::bigint IS NULL THEN 'failed' ELSE 'pending' END,
                    last_status_code = $3, last_error = $4, lease_until = NULL, updated_at = clock_timestamp(),
                    next_attempt_at = clock_timestamp() + $5::bigint * interval '1 millisecond'
                WHERE id = $1 AND status = 'pending' AND attempts = $2
                """, [delivery.id, delivery.attempts, statusCode, error, retryAfter.map(\.wholeMilliseconds)])
            guard updated == 1 else { return nil }
            let rows = try await tx.query("""
                SELECT status, failing_since <= clock_timestamp() - $2::bigint * interval '1 millisecond',
                       project_id, url, alert_email
                FROM \(table("webhook_endpoints")) WHERE id = $1 FOR UPDATE
                """, [delivery.endpointID, disableAfter.wholeMilliseconds])
            guard let row = rows.first else { return nil }
            let (status, overdue, projectID, url, alertEmail) = try row.decode((String, Bool?, String, String, String?).self)
            guard status == "enabled", overdue == true else {
                try await tx.execute("""
                    UPDATE \(table("webhook_endpoints")) SET failing_since = clock_timestamp()
                    WHERE id = $1 AND failing_since IS NULL
                    """, [delivery.endpointID])
                return nil
            }
            try await tx.execute("""
                UPDATE \(table("webhook_endpoints"))
                SET status = 'disabled', disabled_reason = 'failing', updated_at = clock_timestamp() WHERE id = $1
                """, [delivery.endpointID])
            try await failPending(tx, endpointID: delivery.endpointID, reason: "The endpoint was disabled after failing for too long.")
            return DisabledWebhookEndpoint(id: delivery.endpointID, projectID: projectID, url: url, alertEmail: alertEmail)
        }
    }

    /// Fails a claimed delivery unsent (its endpoint was disabled since it was made).
    func deliveryAbandoned(_ delivery: ClaimedWebhookDelivery, reason: String) async throws {
        try await pool.execute("""
            UPDATE \(table("webhook_deliveries"))
            SET status = 'failed', next_attempt_at = NULL, lease_until = NULL, last_error = $3,
                attempts = attempts - 1, updated_at = clock_timestamp()
            WHERE id = $1 AND status = 'pending' AND attempts = $2
            """, [delivery.id, delivery.attempts, reason])
    }

    /// Hands a claimed delivery back untried (shutdown, endpoint at its cap): due after `delay`.
    func putBack(_ delivery: ClaimedWebhookDelivery, after delay: Duration) async throws {
        try await pool.execute("""
            UPDATE \(table("webhook_deliveries"))
            SET attempts = attempts - 1, lease_until = NULL, updated_at = clock_timestamp(),
                next_attempt_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
            WHERE id = $1 AND status = 'pending' AND attempts = $2
            """, [delivery.id, delivery.attempts, delay.wholeMilliseconds])
    }
}
