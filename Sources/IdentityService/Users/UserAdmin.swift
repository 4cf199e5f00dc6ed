import Contracts
import Foundation
import ServiceKit
import Wire

/// The project's administration of its users (secret-key calls): list newest first, delete.
final class UserAdmin: Sendable {
    let core: IdentityCore
    let revoker: SessionRevoker

    /// Creates the admin flows.
    init(core: IdentityCore, revoker: SessionRevoker) {
        self.core = core
        self.revoker = revoker
    }

    private var database: PostgresPool { core.users.database }
    private var schema: String { core.users.schema }

    /// `identity.ListUsers`: newest first on `(created_at, id)`; the cursor is opaque (microseconds and id).
    /// - Throws: `VALIDATION_FAILED` (`cursor`) for a cursor this method did not hand out.
    func listUsers(_ query: PageQuery, _ context: CallContext) async throws -> Page<UserView> {
        let projectID = try IdentityContext.project(context)
        let limit = min(max(query.limit, 1), 200)
        var parameters: [any PostgresEncodable] = [projectID, limit + 1]
        var after = ""
        if let cursor = query.cursor {
            guard let (micros, id) = UserCursor.decode(cursor) else {
                throw PublicError.validation("cursor", "The cursor is not valid.")
            }
            after = "AND (created_at, id) < ('epoch'::timestamptz + $3 * interval '1 microsecond', $4)"
            parameters += [micros, id]
        }
        let rows = try await database.query("""
            SELECT \(UserStore.columns), (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros
            FROM \(schema).users WHERE project_id = $1 \(after)
            ORDER BY created_at DESC, id DESC LIMIT $2
            """, parameters)
        var users: [UserView] = []
        var last: (Int64, String)?
        for row in rows.prefix(limit) {
            let user = try UserStore.record(from: row)
            users.append(user.view)
            last = (try row.decode(Int64.self, named: "created_micros"), user.id)
        }
        let next = rows.count > limit ? last.map { UserCursor.encode(micros: $0.0, id: $0.1) } : nil
        return Page(data: users, nextCursor: next)
    }

    /// `identity.DeleteUser`: deletes the user and revokes their sessions in one transaction.
    /// - Throws: `NOT_FOUND` when the project has no such user.
    func deleteUser(_ request: UserIDRequest, _ context: CallContext) async throws -> Empty {
        let projectID = try IdentityContext.project(context)
        try await database.withTransaction { tx in
            try await revoker.revokeUser(projectID: projectID, userID: request.id, in: tx)
            let deleted = try await tx.execute(
                "DELETE FROM \(schema).users WHERE project_id = $1 AND id = $2", [projectID, request.id])
            // Throwing rolls the revocations back too.
            guard deleted == 1 else { throw PublicError.notFound("The user does not exist.") }
        }
        await core.audit.record(
            projectID: projectID, action: "user_deleted", userID: request.id, ip: context.clientAddress, detail: nil)
        return Empty()
    }
}

/// The opaque cursor of ``UserAdmin/listUsers(_:_:)``: base64url of `<microseconds>:<id>`.
enum UserCursor {
    /// Encodes a position.
    static func encode(micros: Int64, id: String) -> String {
        Base64URL.encode("\(micros):\(id)")
    }

    /// Decodes a position; nil for anything else.
    static func decode(_ cursor: String) -> (Int64, String)? {
        guard cursor.utf8.count <= 200, let bytes = Base64URL.decode(cursor),
            let text = String(bytes: bytes, encoding: .utf8)
        else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), !parts[1].isEmpty else { return nil }
        return (micros, String(parts[1]))
    }
}
