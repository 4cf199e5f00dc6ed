import Foundation
import Testing
@testable import ServiceKit

/// `ServiceContext.openDatabase` against the throwaway PostgreSQL: migrations applied once, logs carry no
/// URL, and the pool closes when the group shuts down.
@Suite("Database bootstrap", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct DatabaseServiceTests {
    private func context(_ handler: InMemoryLogHandler) -> ServiceContext {
        ServiceContext(name: "test-service", logger: Logger(handler: handler, level: .debug), metrics: MetricsRegistry())
    }

    private var url: Secret<URL> {
        get throws { Secret(try #require(URL(string: PostgresTestEnvironment.databaseURL ?? ""))) }
    }

    @Test("applies the migrations once, logs the target without credentials, closes on shutdown")
    func migratesAndCloses() async throws {
        let schema = PostgresTestEnvironment.uniqueName("boot")
        let migrations = [
            Migration(version: 1, name: "create things", sql: "CREATE TABLE \(schema).things (id int PRIMARY KEY)"),
            Migration(version: 2, name: "add label", sql: "ALTER TABLE \(schema).things ADD COLUMN label text"),
        ]
        let logs = InMemoryLogHandler()
        let database = try await context(logs).openDatabase(url: try url, schema: schema, migrations: migrations)
        try await database.pool.execute("INSERT INTO \(schema).things (id, label) VALUES ($1, $2)", [1, "one"])
        #expect(logs.lines.contains { $0.contains(#""msg":"database ready""#) && $0.contains(#""db.migrations.applied":2"#) })

        // A second start (another replica) applies nothing.
        let again = try await context(logs).openDatabase(url: try url, schema: schema, migrations: migrations)
        #expect(logs.lines.last { $0.contains("database ready") }?.contains(#""db.migrations.applied":0"#) == true)
        await again.pool.close()

        // The group's graceful shutdown closes the pool.
        let (signals, continuation) = AsyncStream<UnixSignal>.makeStream()
        let group = ServiceGroup(services: [database], signals: signals, drainTimeout: .seconds(5), logger: Logger(handler: logs, level: .info))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(50))
        continuation.yield(.sigterm)
        try await running.value
        await #expect(throws: PostgresError.self) { try await database.pool.query("SELECT 1") }
        try await PostgresPool(configuration: PostgresTestEnvironment.configuration()).execute("DROP SCHEMA \(schema) CASCADE")
    }

    @Test("a failing step stops the start and is named in the log")
    func failingMigration() async throws {
        let schema = PostgresTestEnvironment.uniqueName("bootfail")
        let logs = InMemoryLogHandler()
        await #expect(throws: MigrationError.self) {
            _ = try await context(logs).openDatabase(url: try url, schema: schema, migrations: [
                Migration(version: 1, name: "broken step", sql: "CREATE TABLE \(schema).t (id nonexistent_type)"),
            ])
        }
        #expect(logs.lines.contains { $0.contains("migration failed") && $0.contains("broken step") })
    }
}
