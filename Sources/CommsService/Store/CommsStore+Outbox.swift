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
    /// The recipients (lower-cased) on the project's suppression list when the message was claimed.
    var suppressed: Set<String> = []
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
    /// at most `perProject` of one project, none of the projects in `excluding` (at their cap), expired leases
    /// first, then oldest due first, skipping rows other workers hold. Each claim counts an attempt and leases
    /// the message for `lease`; it answers which recipients are suppressed now, so the send needs no other read.
    ///
    /// The two kinds of due rows each have their partial index (`messages_queued_due`, `messages_lease_expiry`),
    /// so a claim reads no message in flight. Rows are locked only as they are read: `limit` of them when one
    /// claim cannot exceed `perProject` anyway (the outbox's default, one at a time), else a window of
    /// `limit × 20` from which `perProject` per project are picked.
    func claim(
        limit: Int, perProject: Int, lease: Duration, excluding: [String] = []
    ) async throws -> [ClaimedMessage] {
        let window = limit <= perProject ? limit : limit * 20
        let rows = try await pool.query("""
            WITH due AS (
                SELECT * FROM (
                    SELECT id, project_id, lease_until AS due_at FROM \(table("messages"))
                    WHERE status = 'sending' AND lease_until < now() AND project_id <> ALL(\(CommsSQL.textArray("$5")))
                    ORDER BY lease_until LIMIT $3
                    FOR UPDATE SKIP LOCKED
                ) expired
                UNION ALL
                SELECT * FROM (
                    SELECT id, project_id, next_attempt_at FROM \(table("messages"))
                    WHERE status = 'queued' AND next_attempt_at <= now() AND project_id <> ALL(\(CommsSQL.textArray("$5")))
                    ORDER BY next_attempt_at LIMIT $3
                    FOR UPDATE SKIP LOCKED
                ) queued
                LIMIT $3
            ), picked AS (
                SELECT id FROM (
                    SELECT id, due_at, row_number() OVER (PARTITION BY project_id ORDER BY due_at, id) AS rank
                    FROM due
                ) ranked
                WHERE rank <= $2 ORDER BY due_at LIMIT $1
            )
            UPDATE \(table("messages")) m
            SET status = 'sending', attempts = m.attempts + 1, updated_at = clock_timestamp(),
                lease_until = clock_timestamp() + $4::bigint * interval '1 millisecond'
            FROM picked WHERE m.id = picked.id
            RETURNING m.id, m.project_id, to_jsonb(m.recipients), m.mail_from, m.body, m.attempts,
                to_jsonb(ARRAY(SELECT x.email FROM \(table("suppressions")) x
                               WHERE x.project_id = m.project_id
                                 AND x.email = ANY(ARRAY(SELECT lower(r) FROM unnest(m.recipients) AS r))))
            """, [limit, perProject, window, lease.wholeMilliseconds, PostgresJSON(excluding)])
        return try rows.map { row in
            let (id, projectID, recipients, mailFrom, body, attempts, suppressed) = try row.decode(
                (String, String, PostgresJSON<[String]>, String, [UInt8], Int, PostgresJSON<[String]>).self)
            return ClaimedMessage(
                id: id, projectID: projectID, recipients: recipients.value, mailFrom: mailFrom, body: body,
                attempts: attempts, suppressed: Set(suppressed.value))
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
            """, [message.id, message.attempts, delay.wholeMilliseconds]) == 1
    }

    /// Records a temporary failure: queued again, due after `delay`, with the event.
    @discardableResult
    func retry(_ message: ClaimedMessage, after delay: Duration, detail: String) async throws -> Bool {
        try await finish(message, status: "queued", detail: detail, suppress: [], setting: """
            status = 'queued', lease_until = NULL,
            next_attempt_at = clock_timestamp() + $4::bigint * interval '1 millisecond'
            """, delay: delay)
    }

    /// Records a final outcome (`sent`, `failed` or `suppressed`) with its event and adds `suppress` to the
    /// project's suppression list, in one statement.
    @discardableResult
    func complete(
        _ message: ClaimedMessage, status: String, detail: String?, suppress: [SuppressionEntry] = []
    ) async throws -> Bool {
        try await finish(message, status: status, detail: detail, suppress: suppress,
                         setting: "status = $3, lease_until = NULL")
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
}
