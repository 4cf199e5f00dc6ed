import Foundation
import Testing
@testable import ServiceKit

@Suite("PostgreSQL migrations", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct MigratorTests {
    /// Runs `body` with a pool and a unique schema name; drops the schema afterwards.
    private func withSchema(_ body: (PostgresPool, String) async throws -> Void) async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 4))
        let schema = PostgresTestEnvironment.uniqueName("mig")
        do {
            try await body(pool, schema)
        } catch {
            _ = try? await pool.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
            await pool.close()
            throw error
        }
        try await pool.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        await pool.close()
    }

    private func steps(_ schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "create_tables", sql: """
                CREATE TABLE \(schema).users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
                CREATE TABLE \(schema).applied_log (step int NOT NULL);
                INSERT INTO \(schema).applied_log VALUES (1);
                """),
            Migration(version: 2, name: "add_name", sql: """
                ALTER TABLE \(schema).users ADD COLUMN name text;
                INSERT INTO \(schema).applied_log VALUES (2);
                """),
            Migration(version: 5, name: "seed", sql: """
                INSERT INTO \(schema).users (email, name) VALUES ('admin@example.com', 'Admin');
                INSERT INTO \(schema).applied_log VALUES (5);
                """),
        ]
    }

    @Test("two concurrent migrators apply each step exactly once")
    func concurrentMigrators() async throws {
        try await self.withSchema { pool, schema in
            let otherPool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 2))
            let first = Migrator(schema: schema, migrations: self.steps(schema))
            let second = Migrator(schema: schema, migrations: self.steps(schema))
            async let a = first.migrate(on: pool)
            async let b = second.migrate(on: otherPool)
            let (appliedA, appliedB) = try await (a, b)
            #expect(appliedA.count + appliedB.count == 3)
            #expect(Set((appliedA + appliedB).map(\.version)) == [1, 2, 5])

            let log = try await pool.query("SELECT step FROM \(schema).applied_log ORDER BY step")
            #expect(try log.map { try $0.decode(Int.self, at: 0) } == [1, 2, 5])
            let records = try await pool.query("SELECT version, name FROM \(schema).schema_migrations ORDER BY version")
            #expect(try records.map { try $0.decode((Int, String).self) }.map(\.0) == [1, 2, 5])
            #expect(try records[2].decode(String.self, named: "name") == "seed")

            // Running again applies nothing.
            #expect(try await first.migrate(on: pool).isEmpty)
            await otherPool.close()
        }
    }

    @Test("a failing step rolls back entirely and throws an error naming the step and the server's message")
    func failingStep() async throws {
        try await self.withSchema { pool, schema in
            var steps = self.steps(schema)
            steps[1] = Migration(version: 2, name: "broken_step", sql: """
                CREATE TABLE \(schema).half_done (id int);
                CREATE TABLE \(schema).broken (id no_such_type);
                """)
            let error = await #expect(throws: MigrationError.self) {
                try await Migrator(schema: schema, migrations: steps).migrate(on: pool)
            }
            #expect(error?.code == .stepFailed)
            #expect(error?.version == 2)
            #expect(error?.name == "broken_step")
            #expect(error?.sqlState == "42704")
            #expect(error?.serverMessage?.contains("no_such_type") == true)
            #expect(error?.description.contains("broken_step") == true)
            #expect(error?.description.contains("no_such_type") == true)

            let halfDone = try await pool.query("SELECT to_regclass($1)::text", ["\(schema).half_done"])
            #expect(try halfDone[0].decode(String?.self, at: 0) == nil)
            let records = try await pool.query("SELECT version FROM \(schema).schema_migrations")
            #expect(try records.map { try $0.decode(Int.self, at: 0) } == [1])

            // Fixed, it continues where it stopped.
            let applied = try await Migrator(schema: schema, migrations: self.steps(schema)).migrate(on: pool)
            #expect(applied.map(\.version) == [2, 5])
        }
    }

    @Test("a renamed step and an unordered list are refused")
    func invalidLists() async throws {
        try await self.withSchema { pool, schema in
            try await Migrator(schema: schema, migrations: self.steps(schema)).migrate(on: pool)
            var renamed = self.steps(schema)
            renamed[0] = Migration(version: 1, name: "renamed", sql: renamed[0].sql)
            let mismatch = await #expect(throws: MigrationError.self) {
                try await Migrator(schema: schema, migrations: renamed).migrate(on: pool)
            }
            #expect(mismatch?.code == .recordMismatch)
            #expect(mismatch?.version == 1)

            let unordered = [self.steps(schema)[1], self.steps(schema)[0]]
            let invalid = await #expect(throws: MigrationError.self) {
                try await Migrator(schema: schema, migrations: unordered).migrate(on: pool)
            }
            #expect(invalid?.code == .invalidList)
            await #expect(throws: PostgresError.self) {
                try await Migrator(schema: "Bad-Schema", migrations: []).migrate(on: pool)
            }
        }
    }

    @Test("the lock key is stable and differs per record table")
    func lockKey() {
        let a = Migrator(schema: "identity", migrations: [])
        #expect(a.lockKey == Migrator(schema: "identity", migrations: []).lockKey)
        #expect(a.lockKey != Migrator(schema: "billing", migrations: []).lockKey)
        #expect(a.lockKey != Migrator(schema: "identity", table: "other", migrations: []).lockKey)
    }
}
