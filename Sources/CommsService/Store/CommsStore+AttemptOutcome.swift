import Contracts
import Foundation
import ServiceKit

extension CommsStore {
    /// Records the outcome of a claimed message's attempt in **one statement** (one round trip, committed on
    /// its own): the status change (`setting`, fenced by the claim's attempt), its event, the message's
    /// webhook event with one delivery per subscribed endpoint (the webhook workers woken after it, if any),
    /// the Billing settlement the status decides and the `suppress` entries. Everything is gated on the
    /// status change: if the claim was lost meanwhile nothing is written and it returns false.
    ///
    /// In `setting`, `$3` is the new status and `$4` a delay in milliseconds.
    func finish(
        _ message: ClaimedMessage, status: String, detail: String?, suppress: [SuppressionEntry],
        setting: String, delay: Duration = .zero
    ) async throws -> Bool {
        let event = Self.webhookType(status).map { type in
            NewWebhookEvent(
                id: ResourceID.make("evt_"), projectID: message.projectID, type: type,
                payload: WebhookEventPayload.body(
                    type: type, occurredAt: Date(),
                    dataJSON: WebhookEventPayload.data(["message_id": message.id, "status": status])))
        }
        let rows = try await pool.query(Self.outcomeSQL(schema: schema, setting: setting), [
            message.id, message.attempts, status, delay.wholeMilliseconds, detail,
            Self.settlement(afterStatus: status), PostgresJSON(suppress.map { [$0.email, $0.reason] }),
            event?.id, event?.type.rawValue, event?.payload,
        ])
        let (updated, deliveries) = try rows[0].decode((Bool, Int).self)
        if deliveries > 0 { webhookWake.committed() }
        return updated
    }

    /// `$1` message id, `$2` the claim's attempt, `$3` status, `$4` delay (ms, for `setting`), `$5` the event's
    /// detail, `$6` the settlement action or NULL, `$7` `[[email, reason], …]` to suppress, `$8`–`$10` the
    /// webhook event's id, type and payload (NULL: none). The `SELECT` CTE `targets` runs only because the
    /// others read it; data-modifying CTEs always run. Answers whether the status changed and the deliveries made.
    private static func outcomeSQL(schema s: String, setting: String) -> String {
        """
        WITH updated AS (
            UPDATE \(s).messages SET \(setting), updated_at = clock_timestamp()
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            RETURNING id, project_id, reservation_id
        ), logged AS (
            INSERT INTO \(s).message_events (message_id, project_id, status, detail)
            SELECT id, project_id, $3, $5::text FROM updated
        ), settled AS (
            INSERT INTO \(s).settlements (reservation_id, action, message_id, project_id)
            SELECT reservation_id, $6::text, id, project_id FROM updated
            WHERE $6::text IS NOT NULL AND reservation_id IS NOT NULL
            ON CONFLICT (reservation_id) DO NOTHING
        ), suppressed AS (
            INSERT INTO \(s).suppressions (project_id, email, reason)
            SELECT DISTINCT ON (lower(entry->>0)) updated.project_id, lower(entry->>0), entry->>1
            FROM updated, jsonb_array_elements($7::jsonb) AS entry
            ON CONFLICT (project_id, email) DO NOTHING
        ), targets AS (
            SELECT w.id, updated.project_id FROM \(s).webhook_endpoints w JOIN updated ON w.project_id = updated.project_id
            WHERE $8::text IS NOT NULL AND w.status = 'enabled' AND ($9::text = ANY(w.events) OR '*' = ANY(w.events))
        ), event AS (
            INSERT INTO \(s).webhook_events (id, project_id, type, payload)
            SELECT $8::text, project_id, $9::text, $10::text FROM updated WHERE EXISTS (SELECT 1 FROM targets)
            ON CONFLICT (id) DO NOTHING
            RETURNING id
        ), made AS (
            INSERT INTO \(s).webhook_deliveries (id, project_id, endpoint_id, event_id, next_attempt_at)
            SELECT \(Self.newDeliveryID), targets.project_id, targets.id, event.id, clock_timestamp() FROM targets, event
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM updated), (SELECT count(*) FROM made)
        """
    }
}
