import Contracts
import Foundation
import ServiceKit
import Wire

extension CommsStore {
    /// A page of the project's suppressed addresses, newest first.
    func listSuppressions(projectID: String, page: PageQuery) async throws -> Page<SuppressionView> {
        let cursor = try PageCursor.decode(page.cursor)
        let limit = PageCursor.limit(page)
        let rows = try await pool.query("""
            SELECT email, reason, created_at, \(CommsSQL.createdMicros) AS micros FROM \(table("suppressions"))
            WHERE project_id = $1
              AND ($2::bigint IS NULL OR (created_at, email) < (\(CommsSQL.timestamp(micros: "$2")), $3))
            ORDER BY created_at DESC, email DESC LIMIT $4
            """, [projectID, cursor?.micros, cursor?.key, limit + 1])
        let views = try rows.prefix(limit).map { row in
            let (email, reason, createdAt) = try row.decode((String, String, Date).self)
            return SuppressionView(email: email, reason: reason, createdAt: createdAt)
        }
        let next = rows.count > limit
            ? PageCursor(micros: try rows[limit - 1].decode(Int64.self, named: "micros"), key: views[limit - 1].email).encoded
            : nil
        return Page(data: views, nextCursor: next)
    }

    /// Removes an address from the project's list; false if it was not there.
    func deleteSuppression(projectID: String, email: String) async throws -> Bool {
        try await pool.execute(
            "DELETE FROM \(table("suppressions")) WHERE project_id = $1 AND email = lower($2)", [projectID, email]) == 1
    }
}
