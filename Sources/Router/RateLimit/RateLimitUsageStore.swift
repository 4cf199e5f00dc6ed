import ServiceKit

/// The `rate_usage` table: per project budget (`project:<id>`, `publishable:<id>`), the running total of
/// tokens every Router replica handed out. Replicas add what they used and read what all used, in one
/// statement per ``RateLimitSync`` round, never on a request's path.
struct RateLimitUsageStore: Sendable {
    /// The pool.
    let database: PostgresPool
    /// The schema holding the table.
    let schema: String

    /// Adds each key's `delta` (0: only read) to its total; returns the totals after the additions, by key.
    /// Keys are written in sorted order, so two replicas' rounds never deadlock.
    func exchange(_ deltas: [String: Int]) async throws -> [String: Int64] {
        let keys = deltas.keys.filter { !$0.contains(",") }.sorted()
        guard !keys.isEmpty else { return [:] }
        let rows = try await database.query(
            """
            WITH input AS (
              SELECT key, delta FROM unnest(string_to_array($1, ','), string_to_array($2, ',')::bigint[]) AS t(key, delta)
            ), added AS (
              INSERT INTO \(schema).rate_usage AS u (key, total)
              SELECT key, delta FROM input WHERE delta > 0 ORDER BY key
              ON CONFLICT (key) DO UPDATE SET total = u.total + excluded.total, updated_at = now()
              RETURNING u.key, u.total
            )
            SELECT key, total FROM added
            UNION ALL
            SELECT u.key, u.total FROM \(schema).rate_usage u JOIN input i ON i.key = u.key WHERE i.delta = 0
            """, [keys.joined(separator: ","), keys.map { String(deltas[$0] ?? 0) }.joined(separator: ",")])
        var totals: [String: Int64] = [:]
        for row in rows { totals[try row.decode(String.self, at: 0)] = try row.decode(Int64.self, at: 1) }
        return totals
    }

    /// Deletes the totals no replica has added to for a day (housekeeping; a later use starts a new total).
    func prune() async throws {
        try await database.execute("DELETE FROM \(schema).rate_usage WHERE updated_at < now() - interval '1 day'")
    }
}
