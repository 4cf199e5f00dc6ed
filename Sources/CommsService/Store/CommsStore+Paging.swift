import Contracts
import ServiceKit

extension CommsStore {
    /// A page of the project's rows of `tableName` (which has `project_id`, `id` and `created_at`), newest
    /// first by `(created_at, id)`, with the cursor of the next page (nil on the last).
    func newestFirst<Item>(
        _ tableName: String, columns: String, projectID: String, page: PageQuery,
        decode: (PostgresRow) throws -> Item, id: (Item) -> String
    ) async throws -> (items: [Item], next: String?) {
        let cursor = try PageCursor.decode(page.cursor)
        let limit = PageCursor.limit(page)
        let rows = try await pool.query("""
            SELECT \(columns), \(CommsSQL.createdMicros) AS micros FROM \(table(tableName))
            WHERE project_id = $1 AND ($2::bigint IS NULL OR (created_at, id) < (\(CommsSQL.timestamp(micros: "$2")), $3))
            ORDER BY created_at DESC, id DESC LIMIT $4
            """, [projectID, cursor?.micros, cursor?.key, limit + 1])
        let items = try rows.prefix(limit).map(decode)
        let next = rows.count > limit
            ? PageCursor(micros: try rows[limit - 1].decode(Int64.self, named: "micros"), key: id(items[limit - 1])).encoded
            : nil
        return (items, next)
    }
}
