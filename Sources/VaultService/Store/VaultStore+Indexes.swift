import Contracts
import ServiceKit

extension VaultStore {
    /// Builds each of `indexes` of `collection` that is missing: `CREATE INDEX CONCURRENTLY` on its own,
    /// outside any transaction, so writes to the tenant go on while it scans. An INVALID index left by a
    /// build that failed (or a process that died) is dropped and built again; a valid one is kept. When a
    /// build fails its INVALID leftover is dropped; a unique index the rows already break is 409 `CONFLICT`
    /// naming `indexes.N`.
    func buildIndexes(_ indexes: [DeclaredIndex], schema: String, collection: String, in pool: PostgresPool? = nil) async throws {
        let pool = pool ?? self.pool
        let existing = try await physicalIndexes(schema: schema, collection: collection, in: pool)
        for (offset, index) in indexes.enumerated() {
            let name = index.name(collection: collection)
            if let valid = existing[name] {
                if valid { continue }
                try await pool.execute("DROP INDEX CONCURRENTLY IF EXISTS \(schema).\(name)")
            }
            let statement = try await Self.createStatement(index, schema: schema, collection: collection, in: pool)
            do {
                try await pool.execute(statement)
            } catch let error as PostgresError {
                _ = try? await pool.execute("DROP INDEX CONCURRENTLY IF EXISTS \(schema).\(name)")
                if error.sqlState == "23505" {
                    throw PublicError.conflict("The collection's documents already break this unique index.", field: "indexes.\(offset)")
                }
                throw error
            }
        }
    }

    /// The statement that creates `index` (`CONCURRENTLY` unless `concurrently` is false), with its paths and
    /// the collection name quoted by PostgreSQL's `format('%L')`.
    static func createStatement(
        _ index: DeclaredIndex, schema: String, collection: String, concurrently: Bool = true, in client: some PostgresClient
    ) async throws -> String {
        let (format, arguments) = index.createFormat(schema: schema, collection: collection, concurrently: concurrently)
        return try await client.query(
            "SELECT format($1, VARIADIC $2::text[])", [format, FilterSQL.arrayLiteral(arguments)])[0].decode(String.self, at: 0)
    }

    /// Drops `collection`'s indexes that are not among `keeping` (names), concurrently.
    func dropIndexes(schema: String, collection: String, keeping: Set<String> = [], in pool: PostgresPool? = nil) async throws {
        let pool = pool ?? self.pool
        for name in try await physicalIndexes(schema: schema, collection: collection, in: pool).keys where !keeping.contains(name) {
            try await pool.execute("DROP INDEX CONCURRENTLY IF EXISTS \(schema).\(name)")
        }
    }

    /// `collection`'s PostgreSQL indexes in `schema` by name, with whether each is valid.
    func physicalIndexes(schema: String, collection: String, in pool: PostgresPool? = nil) async throws -> [String: Bool] {
        let rows = try await (pool ?? self.pool).query("""
            SELECT c.relname::text, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND starts_with(c.relname::text, $2)
            """, [schema, DeclaredIndex.namePrefix(collection: collection)])
        var indexes: [String: Bool] = [:]
        for row in rows {
            let (name, valid) = try row.decode((String, Bool).self)
            indexes[name] = valid
        }
        return indexes
    }
}
