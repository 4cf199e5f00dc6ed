import Contracts
import Foundation
import ServiceKit

/// Connection and health changes of instances, and message statuses reported by the gateway. Every health change
/// writes `health_reason` and emits `whatsapp.instance.health_changed` in the same transaction.
extension WhatsAppStore {
    /// Sets the connection state; the first `open` starts warm-up day 1. Answers whether it changed.
    @discardableResult
    func setConnection(instanceID: String, state: String) async throws -> Bool {
        try await pool.execute("""
            UPDATE \(table("whatsapp_instances")) SET connection = $2,
                first_open_at = CASE WHEN $2 = 'open' THEN coalesce(first_open_at, clock_timestamp()) ELSE first_open_at END
            WHERE id = $1 AND connection <> $2
            """, [instanceID, state]) == 1
    }

    /// Moves the instance to `health` (unless it is there already) with `reason`; `THROTTLED` lasts until
    /// `throttledUntil`. Answers whether it changed.
    @discardableResult
    func changeHealth(instanceID: String, to health: String, reason: String, throttledUntil: Date? = nil) async throws -> Bool {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                WITH old AS (SELECT health FROM \(table("whatsapp_instances")) WHERE id = $1 FOR UPDATE)
                UPDATE \(table("whatsapp_instances")) i SET health = $2, health_reason = $3, health_changed_at = clock_timestamp(),
                    throttled_until = $4, server_errors = 0
                FROM old WHERE i.id = $1 AND old.health <> $2 RETURNING i.project_id, old.health
                """, [instanceID, health, reason, throttledUntil])
            guard let row = rows.first else { return false }
            let (projectID, previous) = try row.decode((String, String).self)
            try await comms.emitOwnEvent(tx, projectID: projectID, type: .whatsappInstanceHealthChanged, data: [
                "instance_id": instanceID, "health": health, "previous_health": previous, "reason": reason,
            ])
            return true
        }
    }

    /// Counts one more gateway 5xx in a row; answers the count.
    func countServerError(instanceID: String) async throws -> Int {
        try await pool.query("""
            UPDATE \(table("whatsapp_instances")) SET server_errors = server_errors + 1 WHERE id = $1 RETURNING server_errors
            """, [instanceID]).first?.decode(Int.self, at: 0) ?? 0
    }

    /// Instances whose hour of `THROTTLED` is over, and `WARMUP` ones past their warm-up: their id and the
    /// health they go to (`WARMUP` or `ACTIVE`).
    func healthDue(warmupLength: Duration) async throws -> [(id: String, health: String)] {
        try await pool.query("""
            SELECT id, CASE WHEN first_open_at IS NOT NULL
                             AND first_open_at <= clock_timestamp() - $1 * interval '1 millisecond' THEN 'ACTIVE' ELSE 'WARMUP' END
            FROM \(table("whatsapp_instances"))
            WHERE (health = 'THROTTLED' AND throttled_until <= clock_timestamp())
               OR (health = 'WARMUP' AND first_open_at <= clock_timestamp() - $1 * interval '1 millisecond')
            LIMIT 500
            """, [warmupLength.wholeMilliseconds]).map { try $0.decode((String, String).self) }
    }

    /// A status the gateway reported for a text it sent (`delivered`, `read`), kept (the gateway may report it
    /// before the `sent` commit: ``markSent`` applies kept ones) and applied only forward (sent → delivered →
    /// read), so repeats and late arrivals change nothing; emits `whatsapp.delivered`/`whatsapp.read`.
    func recordStatus(instanceID: String, gatewayMessageID: String, status: String) async throws {
        try await pool.withTransaction { tx in
            try await tx.execute("""
                INSERT INTO \(table("whatsapp_gateway_statuses")) (instance_id, gateway_message_id, status) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING
                """, [instanceID, gatewayMessageID, status])
            try await applyStatus(tx, instanceID: instanceID, gatewayMessageID: gatewayMessageID, status: status)
        }
    }

    /// Applies the statuses kept for a text that has just been recorded `sent`.
    func applyKeptStatuses(_ tx: PostgresTransaction, instanceID: String, gatewayMessageID: String) async throws {
        let kept = try await tx.query("""
            SELECT status FROM \(table("whatsapp_gateway_statuses")) WHERE instance_id = $1 AND gateway_message_id = $2
            """, [instanceID, gatewayMessageID]).map { try $0.decode(String.self, at: 0) }
        for status in ["delivered", "read"] where kept.contains(status) {
            try await applyStatus(tx, instanceID: instanceID, gatewayMessageID: gatewayMessageID, status: status)
        }
    }

    private func applyStatus(_ tx: PostgresTransaction, instanceID: String, gatewayMessageID: String, status: String) async throws {
        let earlier = status == "read" ? ["sent", "delivered"] : ["sent"]
        let type: WebhookEventType = status == "read" ? .whatsappRead : .whatsappDelivered
        let rows = try await tx.query("""
            UPDATE \(table("whatsapp_messages")) SET status = $3, updated_at = clock_timestamp()
            WHERE instance_id = $1 AND gateway_message_id = $2 AND status = ANY(\(CommsSQL.textArray("$4")))
            RETURNING id, project_id
            """, [instanceID, gatewayMessageID, status, PostgresJSON(earlier)])
        for row in rows {
            let (id, projectID) = try row.decode((String, String).self)
            try await appendEvent(tx, messageID: id, projectID: projectID, status: status, detail: nil)
            try await comms.emitOwnEvent(tx, projectID: projectID, type: type, data: [
                "message_id": id, "status": status, "instance_id": instanceID,
            ])
        }
    }
}
