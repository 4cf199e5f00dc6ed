/// Applies a service's pending ``Migration``s at start; safe when several replicas start together.
///
/// ```swift
/// let migrator = Migrator(schema: "identity", migrations: IdentityMigrations.all)
/// try await migrator.migrate(on: pool)
/// ```
///
/// On one connection it takes a session-level `pg_advisory_lock` on ``lockKey`` (derived from the record
/// table's qualified name, so every replica of a service computes the same key), creates the schema and
/// `<schema>.<table>(version, name, applied_at)` if missing, then applies each step not yet recorded in its
/// own transaction together with its record row, and finally releases the lock. A replica that waited on
/// the lock finds the steps recorded and applies nothing. Versions recorded by a newer deployment but not
/// in this list are left alone (rolling upgrades).
public struct Migrator: Sendable {
    /// The schema holding the record table (created if missing).
    public let schema: String
    /// The record table's name.
    public let table: String
    /// The steps, versions strictly ascending.
    public let migrations: [Migration]

    /// Creates a migrator. `schema` and `table` must be lowercase identifiers (`[a-z_][a-z0-9_]*`,
    /// at most 63 bytes); ``migrate(on:)`` rejects others.
    public init(schema: String = "public", table: String = "schema_migrations", migrations: [Migration]) {
        self.schema = schema
        self.table = table
        self.migrations = migrations
    }

    /// The advisory lock key: FNV-1a (64-bit) of `purrpurr.migrations:<schema>.<table>`.
    public var lockKey: Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "purrpurr.migrations:\(self.schema).\(self.table)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// Applies the pending steps and returns them (empty if none were pending).
    /// - Throws: ``MigrationError`` for a failed step (rolled back; later steps are not tried), an invalid
    ///   list or a renamed step; ``PostgresError`` if locking or reading the record fails.
    @discardableResult
    public func migrate(on pool: PostgresPool) async throws -> [Migration] {
        try self.validate()
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        let outcome = try await connection.run(startsLease: true) { session throws(PostgresError) in
            try self.migrate(session)
        }
        return try outcome.get()
    }

    private func validate() throws {
        for identifier in [self.schema, self.table] where !fileprivateIsPlainIdentifier(identifier) {
            throw PostgresError(.invalidConfiguration, reason: "migration schema and table must match [a-z_][a-z0-9_]*")
        }
        var previous = 0
        for migration in self.migrations {
            guard migration.version > previous else {
                throw MigrationError(.invalidList, version: migration.version, name: migration.name)
            }
            previous = migration.version
        }
    }

    /// The whole run, on the connection's own thread, under the advisory lock.
    private func migrate(_ session: LibPQConnection) throws(PostgresError) -> Result<[Migration], MigrationError> {
        let key = PostgresValue.int64(self.lockKey)
        try session.query("SELECT pg_advisory_lock($1)", [key])
        defer { if session.isOpen { _ = try? session.query("SELECT pg_advisory_unlock($1)", [key]) } }

        let schema = try session.quoteIdentifier(self.schema)
        let records = "\(schema).\(try session.quoteIdentifier(self.table))"
        // CREATE SCHEMA needs database privileges even with IF NOT EXISTS: only ask when it is missing.
        if try session.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(self.schema)]).isEmpty {
            try session.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
        }
        try session.execute("""
            CREATE TABLE IF NOT EXISTS \(records) (
                version bigint PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [Int: String] = [:]
        for row in try session.query("SELECT version, name FROM \(records)", []) {
            do {
                let (version, name) = try row.decode((Int, String).self)
                applied[version] = name
            } catch {
                throw (error as? PostgresError) ?? PostgresError(.decoding)
            }
        }

        var done: [Migration] = []
        for migration in self.migrations {
            if let recorded = applied[migration.version] {
                guard recorded == migration.name else {
                    return .failure(MigrationError(.recordMismatch, version: migration.version, name: migration.name))
                }
                continue
            }
            do throws(PostgresError) {
                try session.execute("BEGIN")
                try session.execute(migration.sql)
                try session.query(
                    "INSERT INTO \(records) (version, name) VALUES ($1, $2)",
                    [.int64(Int64(migration.version)), .text(migration.name)]
                )
                guard try session.execute("COMMIT") == "COMMIT" else {
                    throw PostgresError(.server, sqlState: "25P02", reason: "transaction aborted; rolled back")
                }
            } catch {
                if session.isOpen { _ = try? session.execute("ROLLBACK") }
                return .failure(MigrationError(.stepFailed, version: migration.version, name: migration.name, underlying: error))
            }
            done.append(migration)
        }
        return .success(done)
    }
}

/// `[a-z_][a-z0-9_]*`, at most 63 bytes: needs no quoting and cannot surprise anyone.
fileprivate func fileprivateIsPlainIdentifier(_ identifier: String) -> Bool {
    let bytes = Array(identifier.utf8)
    guard let first = bytes.first, bytes.count <= 63, first == UInt8(ascii: "_") || (0x61...0x7a).contains(first)
    else { return false }
    return bytes.allSatisfy { $0 == UInt8(ascii: "_") || (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
}
