import Contracts
import Foundation
import ServiceKit

/// A claim of an instance's next text (``WhatsAppStore/claimNext(_:lease:)``).
struct SmartSendClaim: Sendable, Hashable {
    /// The instance as it is now (its lease renewed); nil if it was deleted.
    var instance: WhatsAppInstanceRecord?
    /// The next due message, now `sending` (nil: none due, or the instance may not send).
    var message: WhatsAppQueuedMessage?
    /// Whether the message's number is on the project's suppression list.
    var suppressed = false
}

/// A text about to leave for the gateway (``WhatsAppStore/markLeaving(_:)``).
struct SmartSendLeaving: Sendable, Hashable {
    let message: WhatsAppQueuedMessage
    /// The warm-up day the text counts in (``SmartSendPace/dayStart``).
    let dayStart: Date
}

/// A text the gateway took (``WhatsAppStore/markSent(_:)``).
struct SmartSendDelivery: Sendable, Hashable {
    let message: WhatsAppQueuedMessage
    let gatewayMessageID: String
}

/// SmartSend's per-text statements, each taking many instances' texts at once (the worker's group commits
/// gather them): claiming the next message, marking texts leaving, recording texts sent. One statement, or
/// one transaction, per batch instead of several per text.
extension WhatsAppStore {
    /// For each instance (leased by the caller): renews its lease and, when it may send, claims its next due
    /// message (high → normal → low, FIFO within; `FOR UPDATE SKIP LOCKED`; `sending`, attempts + 1, under a
    /// lease) with its earlier attempt's `text_at` (``WhatsAppQueuedMessage/leftAt``: reconciled before any
    /// resend) and the suppression check of its number. One answer per instance, in order.
    func claimNext(_ instanceIDs: [String], lease: Duration) async throws -> [SmartSendClaim] {
        let input = instanceIDs.enumerated().map { ClaimInput(n: $0.offset, instance_id: $0.element) }
        let rows = try await pool.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(n int, instance_id text)
            ), inst AS (
                UPDATE \(table("whatsapp_instances")) i SET lease_until = clock_timestamp() + $2 * interval '1 millisecond'
                FROM input WHERE i.id = input.instance_id
                RETURNING input.n AS n, i.*
            ), picked AS (
                SELECT inst.n, next.id FROM inst CROSS JOIN LATERAL (
                    SELECT m.id FROM \(table("whatsapp_messages")) m WHERE m.instance_id = inst.id AND \(due)
                    ORDER BY m.priority, m.created_at, m.id LIMIT 1 FOR UPDATE SKIP LOCKED) next
                WHERE inst.connection = 'open' AND inst.health <> 'BANNED'
            ), claimed AS (
                UPDATE \(table("whatsapp_messages")) m SET status = 'sending', attempts = m.attempts + 1,
                    lease_until = clock_timestamp() + $2 * interval '1 millisecond', updated_at = clock_timestamp()
                FROM picked WHERE m.id = picked.id
                RETURNING picked.n AS n, m.id, m.project_id, m.instance_id, m.to_number, m.body, m.attempts, m.created_at,
                    m.text_at
            )
            SELECT input.n, claimed.id, claimed.project_id, claimed.instance_id, claimed.to_number, claimed.body,
                claimed.attempts, claimed.created_at, claimed.text_at,
                claimed.id IS NOT NULL AND EXISTS (SELECT 1 FROM \(table("whatsapp_suppressions")) s
                    WHERE s.project_id = claimed.project_id AND s.number = claimed.to_number) AS suppressed,
                \(WhatsAppInstanceRecord.qualifiedColumns("inst."))
            FROM input LEFT JOIN inst ON inst.n = input.n LEFT JOIN claimed ON claimed.n = input.n
            """, [PostgresJSON(input), lease.wholeMilliseconds])
        var claims = Array(repeating: SmartSendClaim(), count: instanceIDs.count)
        for row in rows {
            let (n, id, project, instance, to, text, attempts, created, textAt, suppressed) = try row.decode(
                (Int, String?, String?, String?, String?, String?, Int?, Date?, Date?, Bool).self)
            guard claims.indices.contains(n) else { continue }
            if try row.decode(String?.self, at: 10) != nil {
                claims[n].instance = try WhatsAppInstanceRecord(row: row, offset: 10)
            }
            if let id, let project, let instance, let to, let text, let attempts, let created {
                claims[n].message = WhatsAppQueuedMessage(
                    id: id, projectID: project, instanceID: instance, to: to, text: text, attempts: attempts, createdAt: created,
                    leftAt: textAt)
                claims[n].suppressed = suppressed
            }
        }
        return claims
    }

    /// Marks each text as leaving for the gateway now (`text_at`: what the crash recovery looks at) and counts
    /// it in its instance's pace (the ring of its last texts, the day's count). Answers, per text, the
    /// instance's pace after it, or nil when the claim was lost (the text must not go).
    func markLeaving(_ texts: [SmartSendLeaving]) async throws -> [WhatsAppInstancePace?] {
        let input = texts.enumerated().map {
            LeavingInput(n: $0.offset, id: $0.element.message.id, attempts: $0.element.message.attempts,
                         day_start: WhatsAppInstanceRecord.micros($0.element.dayStart))
        }
        let rows = try await pool.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(n int, id text, attempts int, day_start bigint)
            ), clock AS (
                SELECT clock_timestamp() AS t
            ), leaving AS (
                UPDATE \(table("whatsapp_messages")) m SET text_at = clock.t FROM input, clock
                WHERE m.id = input.id AND m.attempts = input.attempts AND m.status = 'sending'
                RETURNING input.n, m.instance_id, \(CommsSQL.timestamp(micros: "input.day_start")) AS day_start,
                    (extract(epoch FROM clock.t) * 1000000)::bigint AS micros
            ), paced AS (
                UPDATE \(table("whatsapp_instances")) i SET
                    recent_sends = (i.recent_sends || leaving.micros)[greatest(1, cardinality(i.recent_sends) + 2 - $2::int):],
                    sent_today = CASE WHEN i.day_start = leaving.day_start THEN i.sent_today + 1 ELSE 1 END,
                    day_start = leaving.day_start
                FROM leaving WHERE i.id = leaving.instance_id
                RETURNING i.id, to_jsonb(i.recent_sends) AS ring, i.day_start, i.sent_today
            )
            SELECT leaving.n, paced.ring, paced.day_start, paced.sent_today
            FROM leaving JOIN paced ON paced.id = leaving.instance_id
            """, [PostgresJSON(input), InstancePace.perMinute])
        var paces = [WhatsAppInstancePace?](repeating: nil, count: texts.count)
        for row in rows {
            let (n, ring, dayStart, sentToday) = try row.decode((Int, PostgresJSON<[Int64]>, Date, Int).self)
            if paces.indices.contains(n) {
                paces[n] = WhatsAppInstancePace(
                    recentSends: ring.value.map(WhatsAppInstanceRecord.date(micros:)), dayStart: dayStart, sentToday: sentToday)
            }
        }
        return paces
    }

    /// Records texts the gateway took, in one transaction: `sent` with the gateway's message id, the `sent`
    /// event, the capture settlement, the instance's 5xx count reset, `whatsapp.sent`, and any `delivered` or
    /// `read` the gateway reported before this commit. A text whose claim was lost changes nothing.
    ///
    /// A report can cross the commit: it finds no `sent` row (not committed yet) and is kept, after this
    /// transaction's look at the kept reports. So once committed, the kept reports of the batch are looked at
    /// again (applying is forward only: a report seen twice changes nothing the second time).
    func markSent(_ texts: [SmartSendDelivery]) async throws {
        let input = texts.map {
            SentInput(id: $0.message.id, attempts: $0.message.attempts, gateway_message_id: $0.gatewayMessageID)
        }
        let sent = try await pool.withTransaction { tx -> [ReportedText] in
            let rows = try await tx.query("""
                WITH input AS (
                    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id text, attempts int, gateway_message_id text)
                ), sent AS (
                    UPDATE \(table("whatsapp_messages")) m SET status = 'sent', gateway_message_id = input.gateway_message_id,
                        lease_until = NULL, updated_at = clock_timestamp()
                    FROM input WHERE m.id = input.id AND m.attempts = input.attempts AND m.status = 'sending'
                    RETURNING m.id, m.project_id, m.instance_id, m.gateway_message_id, m.reservation_id
                ), events AS (
                    INSERT INTO \(table("whatsapp_message_events")) (message_id, project_id, status)
                    SELECT id, project_id, 'sent' FROM sent
                ), captured AS (
                    INSERT INTO \(table("settlements")) (reservation_id, action, message_id, project_id)
                    SELECT reservation_id, 'capture', id, project_id FROM sent WHERE reservation_id IS NOT NULL
                    ON CONFLICT (reservation_id) DO NOTHING
                ), reset AS (
                    UPDATE \(table("whatsapp_instances")) SET server_errors = 0
                    WHERE id IN (SELECT instance_id FROM sent) AND server_errors <> 0
                )
                SELECT sent.id, sent.project_id, sent.instance_id, sent.gateway_message_id,
                    EXISTS (SELECT 1 FROM \(table("whatsapp_gateway_statuses")) g
                            WHERE g.instance_id = sent.instance_id AND g.gateway_message_id = sent.gateway_message_id)
                FROM sent
                """, [PostgresJSON(input)])
            var events: [NewWebhookEvent] = []
            var sent: [ReportedText] = []
            for row in rows {
                let (id, project, instance, gatewayID, kept) = try row.decode((String, String, String, String, Bool).self)
                events.append(comms.ownEvent(projectID: project, type: .whatsappSent, data: [
                    "message_id": id, "status": "sent", "instance_id": instance,
                ]))
                // Reports that came before this commit (the development gateway reports at once); rare, one by one.
                if kept { try await applyKeptStatuses(tx, instanceID: instance, gatewayMessageID: gatewayID) }
                sent.append(ReportedText(instance_id: instance, gateway_message_id: gatewayID))
            }
            try await comms.recordWebhookEvents(tx, events)
            return sent
        }
        try await applyLateReports(sent)
    }

    /// Applies the kept reports of texts just committed `sent` that arrived while their commit was in flight.
    private func applyLateReports(_ texts: [ReportedText]) async throws {
        guard !texts.isEmpty else { return }
        let late = try await pool.query("""
            SELECT DISTINCT g.instance_id, g.gateway_message_id FROM \(table("whatsapp_gateway_statuses")) g
            JOIN jsonb_to_recordset($1::jsonb) AS i(instance_id text, gateway_message_id text)
                ON g.instance_id = i.instance_id AND g.gateway_message_id = i.gateway_message_id
            """, [PostgresJSON(texts)]).map { try $0.decode((String, String).self) }
        for (instance, gatewayID) in late {
            try await pool.withTransaction { tx in
                try await applyKeptStatuses(tx, instanceID: instance, gatewayMessageID: gatewayID)
            }
        }
    }

    /// A text sent, as its gateway reports name it.
    private struct ReportedText: Codable, Sendable {
        let instance_id: String
        let gateway_message_id: String
    }

    private struct ClaimInput: Codable, Sendable {
        let n: Int
        let instance_id: String
    }

    private struct LeavingInput: Codable, Sendable {
        let n: Int
        let id: String
        let attempts: Int
        let day_start: Int64
    }

    private struct SentInput: Codable, Sendable {
        let id: String
        let attempts: Int
        let gateway_message_id: String
    }
}

/// An instance's pace as its row keeps it (what ``WhatsAppStore/markLeaving(_:)`` answers).
struct WhatsAppInstancePace: Sendable, Hashable {
    let recentSends: [Date]
    let dayStart: Date
    let sentToday: Int
}
