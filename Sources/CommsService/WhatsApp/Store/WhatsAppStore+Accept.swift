import Contracts
import Foundation
import ServiceKit
import Wire

/// A text ready to commit to SmartSend's queue.
struct NewWhatsAppMessage: Sendable, Hashable {
    /// `msg_…`.
    let id: String
    let projectID: String
    /// The instance named or chosen (nil: SmartSend chooses later).
    let instanceID: String?
    /// Whether SmartSend chose `instanceID` (the text named none): given up at the commit when that instance is
    /// gone or `BANNED` by then (SmartSend chooses again), where a named one is kept.
    var chosen = false
    /// E.164.
    let to: String
    let text: String
    /// 0 high, 1 normal, 2 low.
    let priority: Int
    /// The credit guard's reservation.
    let reservationID: String?
    /// The client's idempotency key and the hash of the request it came with.
    let idempotency: IdempotencyCheck?

    /// The answer once committed with `instanceID`.
    func response(instanceID: String?) -> SendWhatsAppResponse {
        SendWhatsAppResponse(id: id, status: "queued", instanceID: instanceID)
    }
}

/// Accepting texts: a group-commit batch in one statement (messages and their `queued` events), with the
/// email path's rules (``CommsStore/insertAll(_:)``): repeats of an idempotency key inside a batch go in once
/// and get the first's answer (or `IDEMPOTENCY_KEY_REUSED`), a message whose key or id already has a row takes
/// the single path (``enqueue(_:)``), and a batch failing as a whole is committed again one message at a time,
/// so one bad message fails alone and nothing is doubled.
extension WhatsAppStore {
    /// Commits a batch; one result per message, in order.
    func enqueueAll(_ messages: [NewWhatsAppMessage]) async -> [Result<SendWhatsAppResponse, any Error>] {
        var firstOfKey: [String: Int] = [:]
        var unique: [NewWhatsAppMessage] = []
        var representative: [Int] = []
        for message in messages {
            let key = message.idempotency.map { message.projectID + "\n" + $0.key }
            if let key, let first = firstOfKey[key] {
                representative.append(first)
                continue
            }
            if let key { firstOfKey[key] = unique.count }
            representative.append(unique.count)
            unique.append(message)
        }
        var committed: [Result<SendWhatsAppResponse, any Error>] = []
        var inBatch = Set<Int>()
        // After a failed statement, what its commit stored anyway (the connection lost during COMMIT).
        var stored: [String: String?] = [:]
        if let inserted = try? await insertBatch(unique) {
            stored = inserted
        } else if let found = try? await storedInstances(unique.map(\.id)) {
            stored = found
        }
        for (index, message) in unique.enumerated() {
            if let instanceID = stored[message.id] {
                committed.append(.success(message.response(instanceID: instanceID)))
                inBatch.insert(index)
            } else {
                committed.append(await Result(catching: { try await enqueue(message) }))
            }
        }
        var answers: [Result<SendWhatsAppResponse, any Error>] = []
        for (message, index) in zip(messages, representative) {
            let first = unique[index]
            if first.id == message.id {
                answers.append(committed[index])
            } else if inBatch.contains(index) {
                answers.append(await Result(catching: {
                    let response = try committed[index].get()
                    try message.idempotency?.verify(storedHash: first.idempotency?.requestHash)
                    try await releaseUnused(message.reservationID, messageID: response.id, projectID: message.projectID)
                    return response
                }))
            } else {
                answers.append(await Result(catching: { try await enqueue(message) }))
            }
        }
        return answers
    }

    /// Commits one text with its `queued` event (the single path). A key older than 24 h is released from its
    /// old message first; a message with the same key committed meanwhile wins (its answer, or
    /// `IDEMPOTENCY_KEY_REUSED` if its request differs); a message already stored under its own id is answered.
    func enqueue(_ message: NewWhatsAppMessage) async throws -> SendWhatsAppResponse {
        let inserted = try await pool.withTransaction { tx -> [String: String?] in
            if let key = message.idempotency?.key {
                try await tx.execute("""
                    UPDATE \(table("whatsapp_messages")) SET idempotency_key = NULL
                    WHERE project_id = $1 AND idempotency_key = $2 AND created_at <= clock_timestamp() - \(CommsStore.keyWindow)
                    """, [message.projectID, key])
            }
            let rows = try await tx.query("""
                INSERT INTO \(table("whatsapp_messages"))
                    (id, project_id, instance_id, to_number, body, priority, status, reservation_id, idempotency_key, request_hash)
                VALUES ($1, $2, \(instanceKept("$3", chosen: "$10")), $4, $5, $6, 'queued', $7, $8, $9)
                ON CONFLICT DO NOTHING RETURNING id, instance_id
                """, [message.id, message.projectID, message.instanceID, message.to, message.text, message.priority,
                      message.reservationID, message.idempotency?.key, message.idempotency?.requestHash, message.chosen])
            guard let row = rows.first else { return [:] }
            try await appendEvent(tx, messageID: message.id, projectID: message.projectID, status: "queued", detail: nil)
            return [message.id: try row.decode(String?.self, at: 1)]
        }
        if let instanceID = inserted[message.id] { return message.response(instanceID: instanceID) }
        if let instanceID = try await storedInstances([message.id])[message.id] { return message.response(instanceID: instanceID) }
        guard let idempotency = message.idempotency,
              let winner = try await self.message(idempotencyKey: idempotency.key, projectID: message.projectID)
        else { throw WireError(.aborted, "The message conflicted; retry.") }
        try idempotency.verify(storedHash: winner.requestHash)
        try await releaseUnused(message.reservationID, messageID: winner.response.id, projectID: message.projectID)
        return winner.response
    }

    /// The text sent with `idempotencyKey` in the project within 24 h, with its request's hash.
    func message(idempotencyKey: String, projectID: String) async throws -> (response: SendWhatsAppResponse, requestHash: String?)? {
        try await pool.query("""
            SELECT id, instance_id, request_hash FROM \(table("whatsapp_messages"))
            WHERE project_id = $1 AND idempotency_key = $2 AND created_at > clock_timestamp() - \(CommsStore.keyWindow)
            """, [projectID, idempotencyKey]).first.map { row in
            let (id, instance, hash) = try row.decode((String, String?, String?).self)
            // A repeat answers as the first request was answered: `queued`, with the instance then chosen.
            return (SendWhatsAppResponse(id: id, status: "queued", instanceID: instance), hash)
        }
    }

    /// A request that made no new text (a repeat) gives its reservation back, unless it is the stored text's own.
    func releaseUnused(_ reservationID: String?, messageID: String, projectID: String) async throws {
        try await comms.releaseUnused(reservationID, messageID: messageID, projectID: projectID, messagesTable: "whatsapp_messages")
    }

    /// The instance of each of `ids` that is stored.
    private func storedInstances(_ ids: [String]) async throws -> [String: String?] {
        try await instances(of: pool.query(
            "SELECT id, instance_id FROM \(table("whatsapp_messages")) WHERE id = ANY(\(CommsSQL.textArray("$1")))",
            [PostgresJSON(ids)]))
    }

    private func instances(of rows: PostgresRows) throws -> [String: String?] {
        var instances: [String: String?] = [:]
        for row in rows {
            let (id, instance) = try row.decode((String, String?).self)
            instances[id] = .some(instance)
        }
        return instances
    }

    /// The instance a text is committed with: a chosen one only while it exists and is not `BANNED`.
    private func instanceKept(_ instance: String, chosen: String) -> String {
        """
        CASE WHEN \(chosen)::boolean AND NOT EXISTS (SELECT 1 FROM \(table("whatsapp_instances")) k
                                           WHERE k.id = \(instance)::text AND k.health <> 'BANNED')
             THEN NULL ELSE \(instance)::text END
        """
    }

    /// The batch statement: the instance of each text it inserted (a text whose key or id conflicted is absent).
    private func insertBatch(_ messages: [NewWhatsAppMessage]) async throws -> [String: String?] {
        let input = messages.enumerated().map { index, message in
            AcceptInput(
                n: index, id: message.id, project_id: message.projectID, instance_id: message.instanceID, chosen: message.chosen,
                to_number: message.to, body: message.text, priority: message.priority,
                reservation_id: message.reservationID, idempotency_key: message.idempotency?.key,
                request_hash: message.idempotency?.requestHash)
        }
        return try instances(of: await pool.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
                    n int, id text, project_id text, instance_id text, chosen boolean, to_number text, body text, priority smallint,
                    reservation_id text, idempotency_key text, request_hash text)
            ), inserted AS (
                INSERT INTO \(table("whatsapp_messages"))
                    (id, project_id, instance_id, to_number, body, priority, status, reservation_id, idempotency_key, request_hash)
                SELECT id, project_id, \(instanceKept("instance_id", chosen: "chosen")), to_number, body, priority, 'queued',
                    reservation_id, idempotency_key, request_hash
                FROM input ORDER BY n
                ON CONFLICT DO NOTHING
                RETURNING id, project_id, instance_id
            ), events AS (
                INSERT INTO \(table("whatsapp_message_events")) (message_id, project_id, status)
                SELECT id, project_id, 'queued' FROM inserted
            )
            SELECT id, instance_id FROM inserted
            """, [PostgresJSON(input)]))
    }

    /// One text of the batch statement's `$1` (snake_case: the JSON keys are the SQL column names).
    private struct AcceptInput: Codable, Sendable {
        let n: Int
        let id: String
        let project_id: String
        let instance_id: String?
        let chosen: Bool
        let to_number: String
        let body: String
        let priority: Int
        let reservation_id: String?
        let idempotency_key: String?
        let request_hash: String?
    }
}
