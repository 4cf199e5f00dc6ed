import ServiceKit

extension CommsStore {
    /// Deletes up to `limit` events recorded more than `olderThan` ago, with all their deliveries, in one
    /// statement — only events none of whose deliveries is still pending (a retry or a replay in progress keeps
    /// its event until it ends). Returns how many events went; oldest first, skipping rows another replica is
    /// pruning.
    func pruneWebhookEvents(olderThan: Duration, limit: Int) async throws -> Int {
        let rows = try await pool.query("""
            WITH old AS (
                SELECT e.id FROM \(table("webhook_events")) e
                WHERE e.created_at < clock_timestamp() - $1::bigint * interval '1 millisecond'
                  AND NOT EXISTS (
                      SELECT 1 FROM \(table("webhook_deliveries")) d WHERE d.event_id = e.id AND d.status = 'pending')
                ORDER BY e.created_at LIMIT $2
                FOR UPDATE SKIP LOCKED
            ), deliveries AS (
                DELETE FROM \(table("webhook_deliveries")) d USING old WHERE d.event_id = old.id
            ), events AS (
                DELETE FROM \(table("webhook_events")) e USING old WHERE e.id = old.id RETURNING 1
            )
            SELECT count(*)::bigint FROM events
            """, [olderThan.wholeMilliseconds, limit])
        return try rows[0].decode(Int.self, at: 0)
    }
}
