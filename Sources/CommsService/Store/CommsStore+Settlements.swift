import Foundation
import ServiceKit

/// A settlement owed to Billing: capture or release one reservation of the credit guard.
struct PendingSettlement: Sendable, Hashable {
    /// `rsv_…`.
    let reservationID: String
    /// `capture` or `release`.
    let action: String
    /// The message it is for.
    let messageID: String
    /// Its project.
    let projectID: String
}

extension CommsStore {
    /// The settlement a final status decides: `sent` captures (handed to the relay), `failed` and
    /// `suppressed` release; anything else decides nothing yet.
    static func settlement(afterStatus status: String) -> String? {
        switch status {
        case "sent": "capture"
        case "failed", "suppressed": "release"
        default: nil
        }
    }

    /// Records that `reservationID` must be captured or released (once: the first decision stands).
    func settleLater(
        _ client: some PostgresClient, reservationID: String, action: String, messageID: String, projectID: String
    ) async throws {
        try await client.execute("""
            INSERT INTO \(table("settlements")) (reservation_id, action, message_id, project_id) VALUES ($1, $2, $3, $4)
            ON CONFLICT (reservation_id) DO NOTHING
            """, [reservationID, action, messageID, projectID])
    }

    /// A request that did not make a new message (an idempotent repeat) gives its reservation back, unless it
    /// is the stored message's own (in `messagesTable`: `messages`, or `whatsapp_messages` for a text).
    func releaseUnused(_ reservationID: String?, messageID: String, projectID: String, messagesTable: String = "messages") async throws {
        guard let reservationID else { return }
        try await pool.execute("""
            INSERT INTO \(table("settlements")) (reservation_id, action, message_id, project_id)
            SELECT $1, 'release', $2, $3
            WHERE NOT EXISTS (SELECT 1 FROM \(table(messagesTable)) WHERE id = $2 AND reservation_id = $1)
            ON CONFLICT (reservation_id) DO NOTHING
            """, [reservationID, messageID, projectID])
    }

    /// Claims up to `limit` due settlements (`FOR UPDATE SKIP LOCKED`) inside `body`'s transaction, which
    /// marks each one done or due again later.
    func withDueSettlements<T>(limit: Int, _ body: (PostgresTransaction, [PendingSettlement]) async throws -> T) async throws -> T {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                SELECT reservation_id, action, message_id, project_id FROM \(table("settlements"))
                WHERE NOT done AND next_attempt_at <= clock_timestamp()
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [limit])
            let due = try rows.map { row in
                let (reservation, action, message, project) = try row.decode((String, String, String, String).self)
                return PendingSettlement(reservationID: reservation, action: action, messageID: message, projectID: project)
            }
            return try await body(tx, due)
        }
    }

    /// Marks a settlement done, or due again after a backoff that grows with its attempts (≤ 5 minutes).
    func recordSettlement(_ tx: PostgresTransaction, _ settlement: PendingSettlement, done: Bool) async throws {
        try await tx.execute("""
            UPDATE \(table("settlements")) SET done = $2, attempts = attempts + 1,
                next_attempt_at = clock_timestamp() + least(power(2, attempts + 1), 300) * interval '1 second'
            WHERE reservation_id = $1
            """, [settlement.reservationID, done])
    }
}
