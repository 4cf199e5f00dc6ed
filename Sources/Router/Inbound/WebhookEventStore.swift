import Foundation
import ServiceKit

/// The `webhook_events` table: ids of inbound webhooks already accepted, kept at least 24 hours (far longer
/// than the 300-second timestamp tolerance, so a replay inside the tolerance is always caught).
struct WebhookEventStore: Sendable {
    /// How long an id is kept before ``prune(now:)`` may delete it.
    static let retention: TimeInterval = 86_400
    /// The pool.
    let database: PostgresPool
    /// The schema holding the table.
    let schema: String

    /// Whether `(source, id)` was already accepted (and so must not be processed again).
    func contains(source: String, id: String) async throws -> Bool {
        try await !database.query(
            "SELECT 1 FROM \(schema).webhook_events WHERE source = $1 AND webhook_id = $2", [source, id]
        ).isEmpty
    }

    /// Records `(source, id)` as accepted; false when it was already there (a concurrent duplicate).
    func insertIfAbsent(source: String, id: String, now: Date) async throws -> Bool {
        try await database.execute(
            """
            INSERT INTO \(schema).webhook_events (source, webhook_id, received_at) VALUES ($1, $2, $3)
            ON CONFLICT DO NOTHING
            """, [source, id, now]) == 1
    }

    /// Deletes ids older than the retention; returns how many.
    @discardableResult
    func prune(now: Date) async throws -> Int {
        try await database.execute(
            "DELETE FROM \(schema).webhook_events WHERE received_at < $1", [now.addingTimeInterval(-Self.retention)])
    }
}
