import Contracts
import Foundation
import ServiceKit
import Wire

/// A message ready to commit to the outbox: rendered once, so every retry sends the same bytes.
struct NewMessage: Sendable {
    /// `msg_…`.
    var id: String
    /// The owning project.
    var projectID: String
    /// The envelope recipients (bare addresses).
    var recipients: [String]
    /// The envelope sender (bare address).
    var mailFrom: String
    /// The project's labels.
    var tags: [String]
    /// The RFC 5322 message.
    var body: [UInt8]
    /// When it is due.
    var sendAt: Date
    /// The client's idempotency key and the hash of the request it came with.
    var idempotency: IdempotencyCheck?
    /// The credit guard's reservation, settled with Billing when the message ends (`settlements`).
    var reservationID: String? = nil

    /// The first event's detail of a message whose recipients are all suppressed (its status is decided when
    /// it is committed: `queued`, or `suppressed` when every recipient is on the project's list).
    static let allSuppressedDetail = "Every recipient is on the suppression list."
}

extension CommsStore {
    /// The id and status of the message with `idempotencyKey` in the project, with its request's hash
    /// (nil for a message from before hashes were stored), if the key was used within the last 24 hours.
    func message(
        idempotencyKey: String, projectID: String
    ) async throws -> (response: SendEmailResponse, requestHash: String?)? {
        let rows = try await pool.query("""
            SELECT id, status, request_hash FROM \(table("messages"))
            WHERE project_id = $1 AND idempotency_key = $2 AND created_at > clock_timestamp() - \(Self.keyWindow)
            """, [projectID, idempotencyKey])
        return try rows.first.map { row in
            let (id, status, hash) = try row.decode((String, String, String?).self)
            return (SendEmailResponse(id: id, status: status), hash)
        }
    }

    /// ``IdempotencyCheck/window`` in SQL.
    static let keyWindow = "interval '24 hours'"

    /// Commits `message` and its first event in one transaction and wakes the workers — the single path, for
    /// what a group-commit batch (``insertAll(_:)``) could not take. Its status is decided inside the
    /// transaction: `suppressed` when every recipient is on the project's list, else `queued`. A key older than
    /// 24 h is released from its old message first. A message with the same idempotency key committed
    /// meanwhile wins: its id and status are returned instead (`IDEMPOTENCY_KEY_REUSED` if its request differs).
    /// A message already stored under its own id (a batch whose commit was cut off) is answered as stored.
    func insert(_ message: NewMessage) async throws -> SendEmailResponse {
        let inserted = try await pool.withTransaction { tx -> String? in
            if let key = message.idempotency?.key {
                try await tx.execute("""
                    UPDATE \(table("messages")) SET idempotency_key = NULL
                    WHERE project_id = $1 AND idempotency_key = $2 AND created_at <= clock_timestamp() - \(Self.keyWindow)
                    """, [message.projectID, key])
            }
            let suppressed = try await tx.query("""
                SELECT count(*) FROM \(table("suppressions"))
                WHERE project_id = $1 AND email = ANY(\(CommsSQL.textArray("$2")))
                """, [message.projectID, PostgresJSON(message.recipients.map { $0.lowercased() })])
            let status = try suppressed.first?.decode(Int.self, at: 0) == message.recipients.count ? "suppressed" : "queued"
            let rows = try await tx.query("""
                INSERT INTO \(table("messages"))
                    (id, project_id, status, recipients, mail_from, tags, body, send_at, next_attempt_at,
                     idempotency_key, request_hash, reservation_id)
                VALUES ($1, $2, $3, \(CommsSQL.textArray("$4")), $5, \(CommsSQL.textArray("$6")), $7, $8, $8, $9, $10, $11)
                ON CONFLICT DO NOTHING
                RETURNING id
                """, [message.id, message.projectID, status, PostgresJSON(message.recipients),
                      message.mailFrom, PostgresJSON(message.tags), message.body, message.sendAt,
                      message.idempotency?.key, message.idempotency?.requestHash, message.reservationID])
            guard !rows.isEmpty else { return nil }
            if status == "suppressed", let reservation = message.reservationID {
                try await settleLater(tx, reservationID: reservation, action: "release", messageID: message.id,
                                      projectID: message.projectID)
            }
            try await appendEvent(tx, messageID: message.id, projectID: message.projectID, status: status,
                                  detail: status == "suppressed" ? NewMessage.allSuppressedDetail : nil)
            if status == "queued" { try await tx.notify(channel: channel) }
            return status
        }
        if let inserted { return SendEmailResponse(id: message.id, status: inserted) }
        let stored = try await pool.query(
            "SELECT status FROM \(table("messages")) WHERE id = $1 AND project_id = $2", [message.id, message.projectID])
        if let row = stored.first { return SendEmailResponse(id: message.id, status: try row.decode(String.self, at: 0)) }
        guard let idempotency = message.idempotency,
              let winner = try await self.message(idempotencyKey: idempotency.key, projectID: message.projectID)
        else { throw WireError(.aborted, "The message conflicted; retry.") }
        try idempotency.verify(storedHash: winner.requestHash)
        try await releaseUnused(message.reservationID, messageID: winner.response.id, projectID: message.projectID)
        return winner.response
    }

    /// Appends an event to a message's history.
    func appendEvent(
        _ client: some PostgresClient, messageID: String, projectID: String, status: String, detail: String?
    ) async throws {
        try await client.execute(
            "INSERT INTO \(table("message_events")) (message_id, project_id, status, detail) VALUES ($1, $2, $3, $4)",
            [messageID, projectID, status, detail])
    }

    /// The message with its events, or nil if the project has no such message.
    /// Reads both in one snapshot, so the status and the events agree.
    func messageView(id: String, projectID: String) async throws -> MessageView? {
        try await pool.withTransaction(isolationLevel: .repeatableRead) { tx in
            try await messageView(tx, id: id, projectID: projectID)
        }
    }

    private func messageView(_ client: PostgresTransaction, id: String, projectID: String) async throws -> MessageView? {
        let rows = try await client.query(
            "SELECT \(Self.viewColumns) FROM \(table("messages")) WHERE id = $1 AND project_id = $2", [id, projectID])
        guard let row = rows.first else { return nil }
        var view = try Self.view(row)
        let events = try await client.query(
            "SELECT at, status, detail FROM \(table("message_events")) WHERE message_id = $1 AND project_id = $2 ORDER BY id",
            [id, projectID])
        view.events = try events.map { row in
            let (at, status, detail) = try row.decode((Date, String, String?).self)
            return MessageEventView(at: at, status: status, detail: detail)
        }
        return view
    }

    /// A page of the project's messages of both channels (email and WhatsApp), newest first by
    /// `(created_at, id)` — ids are `msg_…` in both tables, so one cursor orders them — optionally in one status.
    /// Each table gives at most one page past the cursor and the union is cut to the page.
    func listMessages(projectID: String, status: String?, page: PageQuery) async throws -> Page<MessageView> {
        let cursor = try PageCursor.decode(page.cursor)
        let limit = PageCursor.limit(page)
        let filter = """
            project_id = $1 AND ($2::text IS NULL OR status = $2)
              AND ($3::bigint IS NULL OR (created_at, id) < (\(CommsSQL.timestamp(micros: "$3")), $4))
            ORDER BY created_at DESC, id DESC LIMIT $5
            """
        let rows = try await pool.query("""
            SELECT * FROM (
                (SELECT 'email' AS channel, \(Self.viewColumns), \(CommsSQL.createdMicros) AS micros FROM \(table("messages")) WHERE \(filter))
                UNION ALL
                (SELECT 'whatsapp', id, status, attempts, jsonb_build_array(to_number), '[]'::jsonb, created_at, created_at,
                     \(CommsSQL.createdMicros) FROM \(table("whatsapp_messages")) WHERE \(filter))
            ) AS both_channels ORDER BY created_at DESC, id DESC LIMIT $5
            """, [projectID, status, cursor?.micros, cursor?.key, limit + 1])
        let views = try rows.prefix(limit).map { row in
            var view = try Self.view(row, offset: 1)
            view.channel = try row.decode(String.self, at: 0)
            return view
        }
        let next = rows.count > limit
            ? PageCursor(micros: try rows[limit - 1].decode(Int64.self, named: "micros"), key: views[limit - 1].id).encoded
            : nil
        return Page(data: views, nextCursor: next)
    }

    private static let viewColumns =
        "id, status, attempts, to_jsonb(recipients) AS recipients, to_jsonb(tags) AS tags, created_at, send_at"

    /// A message's columns (``viewColumns``, from column `offset`) as an email's view without events.
    private static func view(_ row: PostgresRow, offset: Int = 0) throws -> MessageView {
        func column<T: PostgresDecodable>(_ index: Int, _: T.Type = T.self) throws -> T { try row.decode(T.self, at: offset + index) }
        return try MessageView(
            id: column(0), channel: "email", status: column(1), attempts: column(2),
            to: column(3, PostgresJSON<[String]>.self).value, tags: column(4, PostgresJSON<[String]>.self).value,
            createdAt: column(5), sendAt: column(6), events: [])
    }
}
