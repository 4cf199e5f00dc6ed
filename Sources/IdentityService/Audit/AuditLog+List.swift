import Contracts
import Foundation
import ServiceKit
import Wire

extension AuditLog {
    /// `identity.ListAudit`: the project's events, newest first; the cursor is the opaque sequence number
    /// of the last event shown.
    /// - Throws: `VALIDATION_FAILED` (`cursor`) for a cursor this method did not hand out.
    func list(_ query: PageQuery, _ context: CallContext) async throws -> Page<AuditEventView> {
        let projectID = try IdentityContext.project(context)
        let limit = min(max(query.limit, 1), 200)
        var before = Int64.max
        if let cursor = query.cursor {
            guard let bytes = Base64URL.decode(cursor), let text = String(bytes: bytes, encoding: .utf8),
                let seq = Int64(text), seq > 0
            else { throw PublicError.validation("cursor", "The cursor is not valid.") }
            before = seq
        }
        let rows = try await database.query("""
            SELECT seq, at, action, user_id, ip, detail FROM \(schema).audit_events
            WHERE project_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3
            """, [projectID, before, limit + 1])
        var events: [AuditEventView] = []
        var last: Int64?
        for row in rows.prefix(limit) {
            let (seq, at, action, userID, ip, detail) = try row.decode((Int64, Date, String, String?, String?, String?).self)
            events.append(AuditEventView(at: at, action: action, userID: userID, ip: ip, detail: detail))
            last = seq
        }
        let next = rows.count > limit ? last.map { Base64URL.encode(String($0)) } : nil
        return Page(data: events, nextCursor: next)
    }
}
