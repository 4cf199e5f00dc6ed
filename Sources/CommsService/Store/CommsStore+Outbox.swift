import Contracts
import Foundation
import ServiceKit

/// A message a worker has claimed: leased to it until the lease ends, with `attempts` already counting
/// this attempt (it doubles as a fencing token: outcomes apply only while it is unchanged).
struct ClaimedMessage: Sendable, Hashable {
    /// `msg_…`.
    let id: String
    /// The owning project.
    let projectID: String
    /// The envelope recipients.
    let recipients: [String]
    /// The envelope sender.
    let mailFrom: String
    /// The rendered message.
    let body: [UInt8]
    /// The attempt this claim is (1 for the first).
    let attempts: Int
}

/// A recipient to add to the project's suppression list.
struct SuppressionEntry: Sendable, Hashable {
    /// The address (lower-cased on insert).
    let email: String
    /// `bounced`, `complained`, `user_unknown` or `manual`.
    let reason: String
}

extension CommsStore {
    /// Claims up to `limit` due messages (queued, or sending with an expired lease: a crashed worker's),
    /// at most `perProject` of one project, none of the projects in `excluding` (at their cap), oldest due
    /// first, skipping rows other workers hold. Each claim counts an attempt and leases the message for `lease`.
    func claim(
        limit: Int, perProject: Int, lease: Duration, excluding: [String] = []
    ) async throws -> [ClaimedMessage] {
        let rows = try await pool.query("""
            WITH due AS (
                SELECT id, project_id, next_attempt_at FROM \(table("messages"))
                WHERE status IN ('queued', 'sending') AND next_attempt_at <= now()
                  AND (lease_until IS NULL OR lease_until < now())
                  AND project_id <> ALL(\(CommsSQL.textArray("$5")))
                ORDER BY next_attempt_at LIMIT $3
                FOR UPDATE SKIP LOCKED
            ), picked AS (
                SELECT id FROM (
                    SELECT id, next_attempt_at,
                           row_number() OVER (PARTITION BY project_id ORDER BY next_attempt_at, id) AS rank
                    FROM due
                ) ranked
                WHERE rank <= $2 ORDER BY next_attempt_at LIMIT $1
            )
            UPDATE \(table("messages")) m
            SET status = 'sending', attempts = m.attempts + 1, updated_at = clock_timestamp(),
                lease_until = clock_timestamp() + $4::bigint * interval '1 millisecond'
            FROM picked WHERE m.id = picked.id
            RETURNING m.id, m.project_id, to_jsonb(m.recipients), m.mail_from, m.body, m.attempts
            """, [limit, perProject, limit * 20, Self.milliseconds(lease), PostgresJSON(excluding)])
        return try rows.map { row in
            let (id, projectID, recipients, mailFrom, body, attempts) =
                try row.decode((String, String, PostgresJSON<[String]>, String, [UInt8], Int).self)
            return ClaimedMessage(
                id: id, projectID: projectID, recipients: recipients.value, mailFrom: mailFrom, body: body,
                attempts: attempts)
        }
    }

    /// Hands a claimed message back unattempted (rate limit, drain): queued again, due after `delay`, the
    /// attempt not counted. Returns false if the claim was lost meanwhile.
    @discardableResult
    func putBack(_ message: ClaimedMessage, after delay: Duration) async throws -> Bool {
        try await pool.execute("""
            UPDATE \(table("messages"))
            SET status = 'queued', attempts = attempts - 1, lease_until = NULL, updated_at = clock_timestamp(),
                next_attempt_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
            WHERE id = $1 AND status = 'sending' AND attempts = $2
            """, [message.id, message.attempts, Self.milliseconds(delay)]) == 1
    }

    /// Records a temporary failure: queued again, due after `delay`, with the event.
    @discardableResult
    func retry(_ message: ClaimedMessage, after delay: Duration, detail: String) async throws -> Bool {
        try await finish(message, status: "queued", detail: detail, suppress: [], setting: """
            status = 'queued', lease_until = NULL,
            next_attempt_at = clock_timestamp() + $4::bigint * interval '1 millisecond'
            """, extra: [Self.milliseconds(delay)])
    }

    /// Records a final outcome (`sent`, `failed` or `suppressed`) with its event and adds `suppress` to the
    /// project's suppression list, in one transaction.
    @discardableResult
    func complete(
        _ message: ClaimedMessage, status: String, detail: String?, suppress: [SuppressionEntry] = []
    ) async throws -> Bool {
        try await finish(message, status: status, detail: detail, suppress: suppress,
                         setting: "status = $3, lease_until = NULL", extra: [])
    }

    /// The addresses among `emails` (compared lower-cased) that the project has suppressed.
    func suppressed(projectID: String, among emails: [String]) async throws -> Set<String> {
        let rows = try await pool.query("""
            SELECT email FROM \(table("suppressions"))
            WHERE project_id = $1 AND email = ANY(\(CommsSQL.textArray("$2")))
            """, [projectID, PostgresJSON(emails.map { $0.lowercased() })])
        return Set(try rows.map { try $0.decode(String.self, at: 0) })
    }

    private func finish(
        _ message: ClaimedMessage, status: String, detail: String?, suppress: [SuppressionEntry],
        setting: String, extra: [any PostgresEncodable]
    ) async throws -> Bool {
        try await pool.withTransaction { tx in
            let updated = try await tx.execute("""
                UPDATE \(table("messages")) SET \(setting), updated_at = clock_timestamp()
                WHERE id = $1 AND status = 'sending' AND attempts = $2
                """, [message.id, message.attempts, status] + extra)
            guard updated == 1 else { return false }
            try await appendEvent(tx, messageID: message.id, projectID: message.projectID, status: status, detail: detail)
            if let type = Self.webhookType(status) {
                try await emitOwnEvent(tx, projectID: message.projectID, type: type,
                                       data: ["message_id": message.id, "status": status])
            }
            if let action = Self.settlement(afterStatus: status) {
                try await tx.execute("""
                    INSERT INTO \(table("settlements")) (reservation_id, action, message_id, project_id)
                    SELECT reservation_id, $2, id, project_id FROM \(table("messages"))
                    WHERE id = $1 AND reservation_id IS NOT NULL
                    ON CONFLICT (reservation_id) DO NOTHING
                    """, [message.id, action])
            }
            for entry in suppress {
                try await addSuppression(tx, projectID: message.projectID, email: entry.email, reason: entry.reason)
            }
            return true
        }
    }

    /// The webhook event of a message reaching `status`, if it has one (`sent`, `failed`, `delivered`,
    /// `bounced`, `complained`).
    static func webhookType(_ status: String) -> WebhookEventType? {
        switch status {
        case "sent": .emailSent
        case "failed": .emailFailed
        case "delivered": .emailDelivered
        case "bounced": .emailBounced
        case "complained": .emailComplained
        default: nil
        }
    }

    /// Adds an address to the project's suppression list (kept as it is if already there).
    func addSuppression(_ client: some PostgresClient, projectID: String, email: String, reason: String) async throws {
        try await client.execute("""
            INSERT INTO \(table("suppressions")) (project_id, email, reason) VALUES ($1, lower($2), $3)
            ON CONFLICT (project_id, email) DO NOTHING
            """, [projectID, email, reason])
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
