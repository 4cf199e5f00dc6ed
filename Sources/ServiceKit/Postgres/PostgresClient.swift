/// Something that runs parameterized statements: the ``PostgresPool`` (each call on any free connection,
/// auto-committed) or a ``PostgresTransaction`` (all calls on its one connection). Write data-access code
/// against `some PostgresClient` so it runs inside or outside a transaction.
///
/// Values are always sent as parameters (`$1`, `$2`, …), never spliced into the SQL.
public protocol PostgresClient: Sendable {
    /// Runs one statement and returns its rows.
    /// - Throws: ``PostgresError``.
    func query(_ sql: String, _ parameters: [any PostgresEncodable]) async throws -> PostgresRows

    /// Runs `action` once what this client wrote so far is committed: at once for the pool (each statement
    /// commits on its own), after `COMMIT` succeeds for a transaction (never if it rolls back). For what must
    /// follow a commit but not be part of it, e.g. waking a worker in this process that will read the rows.
    func afterCommit(_ action: @escaping @Sendable () -> Void)
}

extension PostgresClient {
    /// Auto-committed statements: runs `action` at once.
    public func afterCommit(_ action: @escaping @Sendable () -> Void) {
        action()
    }
}

extension PostgresClient {
    /// Runs one statement without parameters and returns its rows.
    public func query(_ sql: String) async throws -> PostgresRows {
        try await self.query(sql, [])
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> Int {
        try await self.query(sql, parameters).affectedRowCount
    }

    /// Sends `NOTIFY channel, payload` (via `pg_notify`, so both are parameters). Inside a transaction it is
    /// delivered on commit.
    public func notify(channel: String, payload: String = "") async throws {
        _ = try await self.query("SELECT pg_notify($1, $2)", [channel, payload])
    }
}

extension Array where Element == any PostgresEncodable {
    /// The parameters as values to send.
    func postgresValues() throws -> [PostgresValue] {
        try self.map { try $0.postgresValue() }
    }
}
