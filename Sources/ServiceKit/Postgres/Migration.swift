/// One step of a service's schema history. A service keeps an ordered list of these (versions ascending,
/// never renumbered, never edited once shipped) and hands it to a ``Migrator`` at start.
///
/// `sql` may hold several statements; it runs in one transaction together with the step's record row, so
/// it must not contain `BEGIN`/`COMMIT` or statements that cannot run in a transaction
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`).
public struct Migration: Sendable, Hashable {
    /// The step's position; strictly increasing along the list, greater than 0.
    public let version: Int
    /// A short label such as `create_users`; recorded, and checked against the record on later starts.
    public let name: String
    /// The statements to run (simple query protocol; never built from input).
    public let sql: String

    /// Creates a step.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Why ``Migrator/migrate(on:)`` failed. The description names the step and carries the server's message
/// (migration SQL is the program's own code, so the message holds no caller data).
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// The failure category; the raw numbers are stable.
    public enum Code: Int, Sendable {
        /// A step failed and was rolled back (see ``MigrationError/underlying``).
        case stepFailed = 1
        /// The list is not strictly ascending with versions above 0.
        case invalidList = 2
        /// The database records this version under another name: the list was edited after shipping.
        case recordMismatch = 3
    }

    /// What went wrong.
    public let code: Code
    /// The step's version.
    public let version: Int
    /// The step's name.
    public let name: String
    /// The PostgreSQL error of a failed step.
    public let underlying: PostgresError?

    /// Creates an error.
    public init(_ code: Code, version: Int, name: String, underlying: PostgresError? = nil) {
        self.code = code
        self.version = version
        self.name = name
        self.underlying = underlying
    }

    /// The server's SQLSTATE for a failed step.
    public var sqlState: String? { self.underlying?.sqlState }
    /// The server's message for a failed step (e.g. `syntax error at or near "TABEL"`).
    public var serverMessage: String? { self.underlying?.serverMessage }

    /// `migration 3 "add_sessions" failed (SQLSTATE 42601): syntax error at or near "TABEL"`.
    public var description: String {
        let step = "migration \(self.version) \"\(self.name)\""
        switch self.code {
        case .invalidList:
            return "\(step): versions must be above 0 and strictly ascending"
        case .recordMismatch:
            return "\(step): the database records this version under another name"
        case .stepFailed:
            var text = "\(step) failed"
            if let code = self.underlying?.code, code != .server { text += " (\(code))" }
            if let sqlState { text += " (SQLSTATE \(sqlState))" }
            if let serverMessage { text += ": \(serverMessage)" }
            return text
        }
    }
}
