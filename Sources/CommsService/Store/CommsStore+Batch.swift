import Contracts
import Foundation
import ServiceKit
import Wire

extension CommsStore {
    /// Commits a group-commit batch of accepted messages: one statement (so one round trip and one commit) that
    /// decides each message's status against the suppression list, inserts the messages and their first
    /// events, writes the release settlements of messages suppressed at acceptance and sends one `NOTIFY`.
    /// One result per message, in order.
    ///
    /// - Idempotency inside the batch: messages with the same `(project, key)` go in once; the others get that
    ///   message's answer (or `IDEMPOTENCY_KEY_REUSED` if their request differs) and release their reservation.
    /// - A message whose key (or id) already has a row takes the single path (``insert(_:)``): the stored
    ///   message's answer, or the key released from a message older than 24 h and a new message.
    /// - If the statement fails as a whole, nothing of it was committed — unless the connection broke during
    ///   the commit: then the messages already stored are found by id. Every other message is committed on its
    ///   own, so one bad message fails alone and a lost batch is retried, never doubled.
    func insertAll(_ messages: [NewMessage]) async throws -> [Result<SendEmailResponse, any Error>] {
        // The first message of each (project, key) represents the others.
        var representative: [Int] = []
        var firstOfKey: [KeyOf: Int] = [:]
        var unique: [NewMessage] = []
        for message in messages {
            if let key = message.idempotency?.key, let first = firstOfKey[KeyOf(project: message.projectID, key: key)] {
                representative.append(first)
                continue
            }
            if let key = message.idempotency?.key { firstOfKey[KeyOf(project: message.projectID, key: key)] = unique.count }
            representative.append(unique.count)
            unique.append(message)
        }
        var committed: [Result<SendEmailResponse, any Error>] = []
        var byBatch = Set<Int>()
        do {
            let inserted = try await insertBatch(unique)
            for (index, message) in unique.enumerated() {
                if let status = inserted[message.id] {
                    committed.append(.success(SendEmailResponse(id: message.id, status: status)))
                    byBatch.insert(index)
                } else {
                    committed.append(await Result(catching: { try await insert(message) }))
                }
            }
        } catch {
            committed = await commitOneByOne(unique, after: error)
        }
        var answers: [Result<SendEmailResponse, any Error>] = []
        for (message, index) in zip(messages, representative) {
            let first = unique[index]
            if first.id == message.id {
                answers.append(committed[index])
            } else if byBatch.contains(index) {
                // A repeat of a message this batch stored: its answer, if the requests match.
                answers.append(await Result(catching: {
                    let response = try committed[index].get()
                    try message.idempotency?.verify(storedHash: first.idempotency?.requestHash)
                    try await releaseUnused(message.reservationID, messageID: response.id, projectID: message.projectID)
                    return response
                }))
            } else {
                // Its first went the single way (a stored key, or a failed batch): so does the repeat.
                answers.append(await Result(catching: { try await insert(message) }))
            }
        }
        return answers
    }

    /// `(project, idempotency key)`.
    private struct KeyOf: Hashable {
        let project: String
        let key: String
    }

    /// After a batch failed as a whole: the messages the failed commit stored anyway (connection lost during
    /// COMMIT) are answered as stored; the others are committed one at a time.
    private func commitOneByOne(_ messages: [NewMessage], after error: any Error) async -> [Result<SendEmailResponse, any Error>] {
        let stored = (try? await statuses(ids: messages.map(\.id))) ?? [:]
        var results: [Result<SendEmailResponse, any Error>] = []
        for message in messages {
            if let status = stored[message.id] {
                results.append(.success(SendEmailResponse(id: message.id, status: status)))
            } else {
                results.append(await Result(catching: { try await insert(message) }))
            }
        }
        return results
    }

    /// The statuses of the messages among `ids` that exist.
    private func statuses(ids: [String]) async throws -> [String: String] {
        let rows = try await pool.query(
            "SELECT id, status FROM \(table("messages")) WHERE id = ANY(\(CommsSQL.textArray("$1")))", [PostgresJSON(ids)])
        var statuses: [String: String] = [:]
        for row in rows {
            let (id, status) = try row.decode((String, String).self)
            statuses[id] = status
        }
        return statuses
    }

    /// The batch statement; answers the status of every message it inserted (a message whose key or id
    /// conflicted is absent).
    private func insertBatch(_ messages: [NewMessage]) async throws -> [String: String] {
        var bodies: [UInt8] = []
        var rows: [BatchRow] = []
        rows.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            rows.append(BatchRow(
                n: index, id: message.id, project_id: message.projectID, recipients: message.recipients,
                mail_from: message.mailFrom, tags: message.tags,
                send_at: Int64((message.sendAt.timeIntervalSince1970 * 1_000_000).rounded()),
                idempotency_key: message.idempotency?.key, request_hash: message.idempotency?.requestHash,
                reservation_id: message.reservationID, body_offset: bodies.count, body_length: message.body.count))
            bodies.append(contentsOf: message.body)
        }
        let result = try await pool.query(Self.batchSQL(schema: schema), [
            PostgresJSON(rows), bodies, channel, NewMessage.allSuppressedDetail,
        ])
        var inserted: [String: String] = [:]
        for row in result {
            let (id, status) = try row.decode((String, String).self)
            inserted[id] = status
        }
        return inserted
    }

    /// One message of the batch statement's `$1` (snake_case: the JSON keys are the SQL column names).
    private struct BatchRow: Codable, Sendable {
        let n: Int
        let id: String
        let project_id: String
        let recipients: [String]
        let mail_from: String
        let tags: [String]
        let send_at: Int64
        let idempotency_key: String?
        let request_hash: String?
        let reservation_id: String?
        let body_offset: Int
        let body_length: Int
    }

    /// `$1` the messages (JSON), `$2` their bodies one after another, `$3` the `NOTIFY` channel, `$4` the
    /// event detail of a message suppressed at acceptance. Data-modifying CTEs all run (and commit) with the
    /// statement; `woken` is referenced so its `pg_notify` runs once when a queued message was inserted.
    private static func batchSQL(schema s: String) -> String {
        """
        WITH input AS (
            SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
                n int, id text, project_id text, recipients jsonb, mail_from text, tags jsonb, send_at bigint,
                idempotency_key text, request_hash text, reservation_id text, body_offset int, body_length int)
        ), decided AS (
            SELECT input.*, CASE WHEN EXISTS (
                SELECT 1 FROM jsonb_array_elements_text(input.recipients) AS r(email)
                WHERE NOT EXISTS (SELECT 1 FROM \(s).suppressions x
                                  WHERE x.project_id = input.project_id AND x.email = lower(r.email))
            ) THEN 'queued' ELSE 'suppressed' END AS status,
            \(CommsSQL.timestamp(micros: "input.send_at")) AS due
            FROM input
        ), inserted AS (
            INSERT INTO \(s).messages
                (id, project_id, status, recipients, mail_from, tags, body, send_at, next_attempt_at,
                 idempotency_key, request_hash, reservation_id)
            SELECT id, project_id, status, ARRAY(SELECT jsonb_array_elements_text(recipients)), mail_from,
                   ARRAY(SELECT jsonb_array_elements_text(tags)), substring($2::bytea FROM body_offset + 1 FOR body_length),
                   due, due, idempotency_key, request_hash, reservation_id
            FROM decided ORDER BY n
            ON CONFLICT DO NOTHING
            RETURNING id, project_id, status, reservation_id
        ), events AS (
            INSERT INTO \(s).message_events (message_id, project_id, status, detail)
            SELECT id, project_id, status, CASE WHEN status = 'suppressed' THEN $4::text END FROM inserted
        ), released AS (
            INSERT INTO \(s).settlements (reservation_id, action, message_id, project_id)
            SELECT reservation_id, 'release', id, project_id FROM inserted
            WHERE status = 'suppressed' AND reservation_id IS NOT NULL
            ON CONFLICT (reservation_id) DO NOTHING
        ), woken AS (
            SELECT pg_notify($3::text, '') FROM (SELECT 1 FROM inserted WHERE status = 'queued' LIMIT 1) AS queued
        )
        SELECT id, status, (SELECT count(*) FROM woken) AS woken FROM inserted
        """
    }
}

extension Result where Failure == any Error {
    /// The outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
