import Contracts
import Foundation
import ServiceKit

/// SmartSend's queue: instances are claimed under a lease (one replica paces an instance at a time), then
/// their messages one by one (`FOR UPDATE SKIP LOCKED`, high before normal before low, FIFO within); a message
/// whose worker died is claimed again only once its lease is over, and one whose text had left for the gateway
/// (`text_at` set, no answer recorded) comes back with ``WhatsAppQueuedMessage/leftAt`` so it is reconciled with
/// the gateway before it is sent again: a crash never sends a text twice.
extension WhatsAppStore {
    /// A message an instance may send now (`m`): queued and due, or `sending` with its lease over.
    var due: String {
        "((m.status = 'queued' AND m.next_attempt_at <= clock_timestamp()) OR (m.status = 'sending' AND m.lease_until < clock_timestamp()))"
    }

    /// Leases up to `limit` instances that may send, are due by their pace and have due messages.
    func claimInstances(limit: Int, lease: Duration, excluding busy: [String]) async throws -> [WhatsAppInstanceRecord] {
        try await pool.query("""
            UPDATE \(table("whatsapp_instances")) SET lease_until = clock_timestamp() + $2 * interval '1 millisecond'
            WHERE id IN (
                SELECT i.id FROM \(table("whatsapp_instances")) i
                WHERE i.connection = 'open' AND i.health <> 'BANNED' AND i.next_send_at <= clock_timestamp()
                  AND (i.lease_until IS NULL OR i.lease_until < clock_timestamp())
                  AND NOT (i.id = ANY(\(CommsSQL.textArray("$3"))))
                  AND EXISTS (SELECT 1 FROM \(table("whatsapp_messages")) m WHERE m.instance_id = i.id AND \(due))
                ORDER BY i.next_send_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING \(WhatsAppInstanceRecord.columns)
            """, [limit, lease.wholeMilliseconds, PostgresJSON(busy)]).map { try WhatsAppInstanceRecord(row: $0) }
    }

    /// Gives the instance's lease back; its next text is not due before `nextSendAt`.
    func releaseInstance(id: String, nextSendAt: Date?) async throws {
        try await pool.execute("""
            UPDATE \(table("whatsapp_instances")) SET lease_until = NULL, next_send_at = coalesce($2, clock_timestamp())
            WHERE id = $1
            """, [id, nextSendAt])
    }

    /// `failed` with `reason` (queued or sending), the release settlement and `whatsapp.failed`; never charged.
    func markFailed(messageID: String, projectID: String, reason: String) async throws {
        try await pool.withTransaction { tx in
            try await fail(tx, messageID: messageID, projectID: projectID, reason: reason)
        }
    }

    private func fail(_ tx: PostgresTransaction, messageID: String, projectID: String, reason: String) async throws {
        let rows = try await tx.query("""
            UPDATE \(table("whatsapp_messages")) SET status = 'failed', lease_until = NULL, updated_at = clock_timestamp()
            WHERE id = $1 AND status IN ('queued', 'sending') RETURNING reservation_id
            """, [messageID])
        guard let row = rows.first else { return }
        try await appendEvent(tx, messageID: messageID, projectID: projectID, status: "failed", detail: reason)
        try await comms.emitOwnEvent(tx, projectID: projectID, type: .whatsappFailed, data: [
            "message_id": messageID, "status": "failed",
        ])
        if let reservation = try row.decode(String?.self, at: 0) {
            try await comms.settleLater(tx, reservationID: reservation, action: "release", messageID: messageID, projectID: projectID)
        }
    }

    /// Back to `queued`, due again after `delay`, with `detail` in a `queued` event (a retry's reason). With
    /// `mayHaveLeft` the text's `text_at` is kept: the gateway may have taken it, so the next attempt reconciles first.
    func requeue(
        _ message: WhatsAppQueuedMessage, after delay: Duration, detail: String, unassign: Bool = false, mayHaveLeft: Bool = false
    ) async throws {
        try await pool.withTransaction { tx in
            let updated = try await tx.execute("""
                UPDATE \(table("whatsapp_messages")) SET status = 'queued', lease_until = NULL,
                    text_at = CASE WHEN $5 THEN text_at ELSE NULL END,
                    next_attempt_at = clock_timestamp() + $3 * interval '1 millisecond',
                    instance_id = CASE WHEN $4 THEN NULL ELSE instance_id END, updated_at = clock_timestamp()
                WHERE id = $1 AND attempts = $2 AND status = 'sending'
                """, [message.id, message.attempts, delay.wholeMilliseconds, unassign && !mayHaveLeft, mayHaveLeft])
            if updated == 1 {
                try await appendEvent(tx, messageID: message.id, projectID: message.projectID, status: "queued", detail: detail)
            }
        }
    }

    /// Takes the queued messages off `instanceID` (banned or deleted) so they are given to another instance —
    /// except texts that may have left through it already (`text_at` kept): only this instance's gateway can tell
    /// whether they were sent, so they wait for it (or fail after 24 h) rather than risk a second copy.
    func unassignQueue(instanceID: String) async throws {
        try await pool.execute("""
            UPDATE \(table("whatsapp_messages")) SET instance_id = NULL, updated_at = clock_timestamp()
            WHERE instance_id = $1 AND status = 'queued' AND text_at IS NULL
            """, [instanceID])
    }

    /// Fails queued messages older than `maxAge` (not sent within 24 h); answers how many.
    func expire(maxAge: Duration) async throws -> Int {
        let rows = try await pool.query("""
            SELECT id, project_id FROM \(table("whatsapp_messages"))
            WHERE status = 'queued' AND created_at < clock_timestamp() - $1 * interval '1 millisecond' LIMIT 500
            """, [maxAge.wholeMilliseconds])
        for row in rows {
            let (id, project) = try row.decode((String, String).self)
            try await markFailed(messageID: id, projectID: project, reason: "not sent within 24 hours")
        }
        return rows.count
    }

    /// Which of `gatewayIDs` are already recorded as some message's gateway id (so a reconciliation never takes
    /// another message's text for this one's).
    func recordedGatewayIDs(_ gatewayIDs: [String]) async throws -> Set<String> {
        guard !gatewayIDs.isEmpty else { return [] }
        return Set(try await pool.query("""
            SELECT gateway_message_id FROM \(table("whatsapp_messages"))
            WHERE gateway_message_id = ANY(\(CommsSQL.textArray("$1")))
            """, [PostgresJSON(gatewayIDs)]).map { try $0.decode(String.self, at: 0) })
    }

    /// Queued messages without an instance, oldest and most urgent first.
    func unassigned(limit: Int) async throws -> [(id: String, projectID: String)] {
        try await pool.query("""
            SELECT id, project_id FROM \(table("whatsapp_messages"))
            WHERE status = 'queued' AND instance_id IS NULL ORDER BY priority, created_at, id LIMIT $1
            """, [limit]).map { try $0.decode((String, String).self) }
    }

    /// Gives an unassigned message to `instanceID`.
    func assign(messageID: String, instanceID: String) async throws {
        try await pool.execute("""
            UPDATE \(table("whatsapp_messages")) SET instance_id = $2, updated_at = clock_timestamp()
            WHERE id = $1 AND status = 'queued' AND instance_id IS NULL
            """, [messageID, instanceID])
    }

    /// Messages waiting on each of the project's instances.
    func queuedCounts(projectID: String) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await pool.query("""
            SELECT instance_id, count(*)::bigint FROM \(table("whatsapp_messages"))
            WHERE project_id = $1 AND status IN ('queued', 'sending') AND instance_id IS NOT NULL GROUP BY instance_id
            """, [projectID]) {
            let (id, count) = try row.decode((String, Int64).self)
            counts[id] = Int(count)
        }
        return counts
    }
}
