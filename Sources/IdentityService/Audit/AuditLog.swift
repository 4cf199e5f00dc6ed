import Foundation
import ServiceKit
import Wire

/// The per-project log of auth events (`signup`, `login`, `login_failed`, `refresh_reuse`, `logout`,
/// `password_change`, `user_deleted`, and the links' `magiclink_sent`, `magiclink_used`, …).
///
/// Recording never throws: a failure is logged (action and error type only) and the flow goes on.
final class AuditLog: Sendable {
    let database: PostgresPool
    let schema: String
    let logger: Logger

    /// Creates the log over `schema`.
    init(database: PostgresPool, schema: String, logger: Logger) {
        self.database = database
        self.schema = schema
        self.logger = logger
    }

    /// Appends an event. `detail` is context only: never a token, password or message body.
    func record(projectID: String, action: String, userID: String?, ip: String?, detail: String?) async {
        do {
            try await database.execute("""
                INSERT INTO \(schema).audit_events (project_id, action, user_id, ip, detail) VALUES ($1, $2, $3, $4, $5)
                """, [projectID, action, userID, ip, detail])
        } catch {
            logger.error("audit record failed", metadata: [
                .projectID: .string(projectID), LogKey("audit.action"): .string(action), .errorType: .errorType(error),
            ])
        }
    }
}
