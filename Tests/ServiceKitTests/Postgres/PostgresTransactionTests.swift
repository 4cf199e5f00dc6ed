import Foundation
import Synchronization
import Testing
@testable import ServiceKit

@Suite("PostgreSQL transactions", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct PostgresTransactionTests {
    struct Boom: Error {}

    private func withTable(_ body: (PostgresPool, String) async throws -> Void) async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 2))
        let table = PostgresTestEnvironment.uniqueName("tx")
        try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, note text)")
        do {
            try await body(pool, table)
        } catch {
            _ = try? await pool.execute("DROP TABLE IF EXISTS \(table)")
            await pool.close()
            throw error
        }
        try await pool.execute("DROP TABLE IF EXISTS \(table)")
        await pool.close()
    }

    private func count(_ pool: PostgresPool, _ table: String) async throws -> Int {
        try await pool.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0)
    }

    @Test("a transaction whose closure throws leaves nothing behind and rethrows the closure's error")
    func throwingTransactionRollsBack() async throws {
        try await self.withTable { pool, table in
            await #expect(throws: Boom.self) {
                try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO \(table) (id, note) VALUES ($1, $2)", [1, "first"])
                    try await tx.execute("INSERT INTO \(table) (id, note) VALUES ($1, $2)", [2, "second"])
                    #expect(try await tx.query("SELECT count(*) FROM \(table)")[0].decode(Int.self, at: 0) == 2)
                    throw Boom()
                }
            }
            let remaining = try await self.count(pool, table)
            #expect(remaining == 0)
        }
    }

    @Test("a transaction that returns commits and returns its value")
    func returningTransactionCommits() async throws {
        try await self.withTable { pool, table in
            let inserted = try await pool.withTransaction(isolationLevel: .serializable) { tx in
                try await tx.execute("INSERT INTO \(table) (id) VALUES ($1), ($2)", [1, 2])
            }
            #expect(inserted == 2)
            let stored = try await self.count(pool, table)
            #expect(stored == 2)
        }
    }

    @Test("afterCommit actions run once COMMIT succeeded, in order; never after a rollback; at once on the pool")
    func afterCommit() async throws {
        try await self.withTable { pool, table in
            let ran = Mutex<[String]>([])
            await #expect(throws: Boom.self) {
                try await pool.withTransaction { tx in
                    tx.afterCommit { ran.withLock { $0.append("rolled back") } }
                    throw Boom()
                }
            }
            try await pool.withTransaction { tx in
                try await tx.execute("INSERT INTO \(table) (id) VALUES ($1)", [1])
                tx.afterCommit { ran.withLock { $0.append("first") } }
                tx.afterCommit { ran.withLock { $0.append("second") } }
                #expect(ran.withLock { $0 }.isEmpty)
            }
            #expect(ran.withLock { $0 } == ["first", "second"])
            pool.afterCommit { ran.withLock { $0.append("pool") } }
            #expect(ran.withLock { $0 } == ["first", "second", "pool"])
        }
    }

    @Test("a server error inside rolls back everything; swallowing it still does not commit")
    func abortedTransaction() async throws {
        try await self.withTable { pool, table in
            let failure = await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO \(table) (id) VALUES ($1)", [1])
                    try await tx.execute("INSERT INTO \(table) (id) VALUES ($1)", [1])
                }
            }
            #expect(failure?.isUniqueViolation == true)
            let remaining = try await self.count(pool, table)
            #expect(remaining == 0)

            let swallowed = await #expect(throws: PostgresError.self) {
                try await pool.withTransaction { tx in
                    try await tx.execute("INSERT INTO \(table) (id) VALUES ($1)", [7])
                    _ = try? await tx.execute("SELECT 1/0")
                }
            }
            #expect(swallowed?.sqlState == "25P02")
            let remainingAfterSwallow = try await self.count(pool, table)
            #expect(remainingAfterSwallow == 0)
        }
    }

    @Test("a transaction handle used after its closure fails with transactionClosed")
    func escapedHandle() async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 1))
        let escaped = try await pool.withTransaction { tx in tx }
        let error = await #expect(throws: PostgresError.self) { try await escaped.query("SELECT 1") }
        #expect(error?.code == .transactionClosed)
        await pool.close()
    }
}
