import Contracts
import Foundation
import ServiceKit

/// An event to record for a project's webhook endpoints.
struct NewWebhookEvent: Sendable, Hashable {
    /// `evt_…`: the deliveries' `webhook-id`.
    var id: String
    /// The project it happened in.
    var projectID: String
    /// What happened.
    var type: WebhookEventType
    /// The exact body every delivery sends (``WebhookEventPayload``).
    var payload: String
}

extension CommsStore {
    /// The `NOTIFY` channel that wakes the webhook workers when deliveries are committed.
    var webhookChannel: String { webhookWake.channel }

    /// Records `event` and one pending delivery for each enabled endpoint of its project subscribed to its
    /// type (or for `endpointID` alone), inside `client`'s transaction, and wakes the workers after its commit
    /// (``WebhookWake``: no `NOTIFY` in the transaction).
    /// Without a subscriber nothing is written unless `always` (``emitEvent``'s idempotency needs the id
    /// kept). Returns nil when the event id was already recorded (nothing changes), else the deliveries made.
    func recordWebhookEvent(
        _ client: some PostgresClient, _ event: NewWebhookEvent, always: Bool, endpointID: String? = nil
    ) async throws -> Int? {
        let rows = try await client.query("""
            WITH targets AS (
                SELECT id FROM \(table("webhook_endpoints"))
                WHERE project_id = $2 AND status = 'enabled'
                  AND (CASE WHEN $5::text IS NULL THEN $3 = ANY(events) OR '*' = ANY(events) ELSE id = $5 END)
            ), event AS (
                INSERT INTO \(table("webhook_events")) (id, project_id, type, payload)
                SELECT $1, $2, $3, $4 WHERE $6 OR EXISTS (SELECT 1 FROM targets)
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            ), made AS (
                INSERT INTO \(table("webhook_deliveries")) (id, project_id, endpoint_id, event_id, next_attempt_at)
                SELECT \(Self.newDeliveryID), $2, targets.id, event.id, clock_timestamp() FROM targets, event
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM event)::bigint, (SELECT count(*) FROM made)::bigint
            """, [event.id, event.projectID, event.type.rawValue, event.payload, endpointID, always])
        let (recorded, deliveries) = try rows[0].decode((Int, Int).self)
        if deliveries > 0 { webhookWake.afterCommit(of: client) }
        return recorded == 0 && always ? nil : deliveries
    }

    /// Records a Comms event (`email.*`) in the transaction of the state change that caused it: a new
    /// `evt_` id, `data` of ids and states.
    func emitOwnEvent(
        _ client: some PostgresClient, projectID: String, type: WebhookEventType, data: [String: String]
    ) async throws {
        let payload = WebhookEventPayload.body(type: type, occurredAt: Date(), dataJSON: WebhookEventPayload.data(data))
        _ = try await recordWebhookEvent(
            client, NewWebhookEvent(id: ResourceID.make("evt_"), projectID: projectID, type: type, payload: payload),
            always: false)
    }

    /// A new delivery of the same event to the same endpoint (replay): nil if the project has no such
    /// delivery on that endpoint.
    func replayDelivery(id: String, endpointID: String, projectID: String) async throws -> WebhookDeliveryView? {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                INSERT INTO \(table("webhook_deliveries")) (id, project_id, endpoint_id, event_id, next_attempt_at)
                SELECT \(Self.newDeliveryID), project_id, endpoint_id, event_id, clock_timestamp()
                FROM \(table("webhook_deliveries")) WHERE id = $1 AND endpoint_id = $2 AND project_id = $3
                RETURNING id
                """, [id, endpointID, projectID])
            guard let newID = try rows.first?.decode(String.self, at: 0) else { return nil }
            webhookWake.afterCommit(of: tx)
            return try await deliveryView(tx, id: newID, projectID: projectID)
        }
    }

    /// One delivery as shown.
    func deliveryView(_ client: some PostgresClient, id: String, projectID: String) async throws -> WebhookDeliveryView? {
        try await client.query("""
            SELECT \(Self.deliveryColumns) FROM \(table("webhook_deliveries")) d
            JOIN \(table("webhook_events")) e ON e.id = d.event_id
            WHERE d.id = $1 AND d.project_id = $2
            """, [id, projectID]).first.map(Self.deliveryView)
    }

    /// The latest delivery of `eventID` to `endpointID`.
    func latestDelivery(eventID: String, endpointID: String, projectID: String) async throws -> WebhookDeliveryView? {
        try await pool.query("""
            SELECT \(Self.deliveryColumns) FROM \(table("webhook_deliveries")) d
            JOIN \(table("webhook_events")) e ON e.id = d.event_id
            WHERE d.event_id = $1 AND d.endpoint_id = $2 AND d.project_id = $3
            ORDER BY d.created_at DESC LIMIT 1
            """, [eventID, endpointID, projectID]).first.map(Self.deliveryView)
    }

    /// A page of an endpoint's deliveries, newest first, optionally in one status.
    func listDeliveries(
        endpointID: String, projectID: String, status: String?, page: PageQuery
    ) async throws -> Page<WebhookDeliveryView> {
        let cursor = try PageCursor.decode(page.cursor)
        let limit = PageCursor.limit(page)
        let rows = try await pool.query("""
            SELECT \(Self.deliveryColumns), (extract(epoch FROM d.created_at) * 1000000)::bigint AS micros
            FROM \(table("webhook_deliveries")) d JOIN \(table("webhook_events")) e ON e.id = d.event_id
            WHERE d.endpoint_id = $1 AND d.project_id = $2 AND ($3::text IS NULL OR d.status = $3)
              AND ($4::bigint IS NULL OR (d.created_at, d.id) < (\(CommsSQL.timestamp(micros: "$4")), $5))
            ORDER BY d.created_at DESC, d.id DESC LIMIT $6
            """, [endpointID, projectID, status, cursor?.micros, cursor?.key, limit + 1])
        let views = try rows.prefix(limit).map(Self.deliveryView)
        let next = rows.count > limit
            ? PageCursor(micros: try rows[limit - 1].decode(Int64.self, named: "micros"), key: views[limit - 1].id).encoded
            : nil
        return Page(data: views, nextCursor: next)
    }

    /// A new delivery id made in SQL: `whd_` and 32 hex digits (122 random bits).
    static let newDeliveryID = "'whd_' || replace(gen_random_uuid()::text, '-', '')"

    private static let deliveryColumns =
        "d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.next_attempt_at, d.created_at"

    private static func deliveryView(_ row: PostgresRow) throws -> WebhookDeliveryView {
        let (id, eventID, type, status, attempts, code, next, createdAt) =
            try row.decode((String, String, String, String, Int, Int?, Date?, Date).self)
        return WebhookDeliveryView(
            id: id, eventID: eventID, type: type, status: status, attempts: attempts, lastStatusCode: code,
            nextAttemptAt: next, createdAt: createdAt)
    }
}
