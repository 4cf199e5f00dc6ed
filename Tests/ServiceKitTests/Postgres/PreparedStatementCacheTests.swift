import Foundation
import Testing
@testable import ServiceKit

/// The cache's bookkeeping, driven directly: no server.
@Suite("Prepared statement cache")
struct PreparedStatementCacheTests {
    private func key(_ sql: String, _ types: [UInt32] = []) -> PreparedStatementCache.Key {
        .init(sql: sql, types: types)
    }

    @Test("a statement is prepared on its second use and found afterwards; the types are part of the key")
    func secondUse() {
        var cache = PreparedStatementCache(capacity: 4)
        #expect(cache.shouldPrepare(self.key("SELECT $1", [20])) == false)
        #expect(cache.shouldPrepare(self.key("SELECT $1", [25])) == false)
        #expect(cache.shouldPrepare(self.key("SELECT $1", [20])) == true)
        let name = cache.newName()
        cache.add(self.key("SELECT $1", [20]), name: name)
        #expect(cache.name(for: self.key("SELECT $1", [20])) == name)
        #expect(cache.name(for: self.key("SELECT $1", [25])) == nil)
        #expect(cache.newName() != name)
    }

    @Test("when full, the least recently used statement is the one to evict")
    func leastRecentlyUsed() {
        var cache = PreparedStatementCache(capacity: 2)
        cache.add(self.key("a"), name: "n1")
        cache.add(self.key("b"), name: "n2")
        _ = cache.name(for: self.key("a"))
        let candidate = cache.evictionCandidate()
        #expect(candidate?.key == self.key("b") && candidate?.name == "n2")
        #expect(cache.remove(self.key("b")) == "n2")
        #expect(cache.evictionCandidate() == nil)
        #expect(cache.count == 1)
    }

    @Test("capacity 0 never prepares")
    func disabled() {
        var cache = PreparedStatementCache(capacity: 0)
        #expect(cache.shouldPrepare(self.key("SELECT 1")) == false)
        #expect(cache.shouldPrepare(self.key("SELECT 1")) == false)
    }
}

/// Prepared statements on a real session: reuse, reconnects, stale statements and the bound.
@Suite("Prepared statements", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct PreparedStatementTests {
    private func connect(capacity: Int = 256) throws -> LibPQConnection {
        var configuration = try PostgresTestEnvironment.configuration()
        configuration.statementCacheCapacity = capacity
        return try LibPQConnection.connect(configuration)
    }

    /// The session's own prepared statements, as the server lists them.
    private func serverCount(_ session: LibPQConnection, like pattern: String = "%") throws -> Int {
        try session.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $1", [.text(pattern)]
        )[0].decode(Int.self, at: 0)
    }

    @Test("a statement used again is prepared once and then reused, with the right results each time")
    func reuse() throws {
        let session = try self.connect()
        for value in 1...5 {
            let rows = try session.query("SELECT $1::bigint * 3 AS tripled", [.int64(Int64(value))])
            #expect(try rows[0].decode(Int.self, at: 0) == value * 3)
        }
        #expect(try self.serverCount(session, like: "SELECT $1::bigint * 3%") == 1)
        // The same SQL with an untyped NULL is another statement (its parameter type differs).
        for _ in 1...2 {
            #expect(try session.query("SELECT $1::bigint * 3 AS tripled", [.null])[0].decode(Int?.self, at: 0) == nil)
        }
        #expect(try self.serverCount(session, like: "SELECT $1::bigint * 3%") == 2)
    }

    @Test("a statement used once is not prepared")
    func oneOff() throws {
        let session = try self.connect()
        _ = try session.query("SELECT 41 + $1::int", [.int32(1)])
        #expect(try self.serverCount(session, like: "SELECT 41 + %") == 0)
    }

    @Test("after the session is lost, the pool's new session prepares again and answers correctly")
    func reconnect() async throws {
        var configuration = try PostgresTestEnvironment.configuration(maxConnections: 1)
        configuration.applicationName = PostgresTestEnvironment.uniqueName("prepared")
        let pool = PostgresPool(configuration: configuration)
        let other = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 1))
        let sql = "SELECT $1::bigint + 1, pg_backend_pid()"
        var firstPID = 0
        for value in 1...3 {
            let (sum, pid) = try await pool.query(sql, [value])[0].decode((Int, Int).self)
            #expect(sum == value + 1)
            firstPID = pid
        }
        try await other.execute("SELECT pg_terminate_backend($1::int)", [firstPID])
        // The lease notices the closed session and opens a new one: the statement is unknown there.
        var newPID = firstPID
        for _ in 0..<50 {
            do {
                let (sum, pid) = try await pool.query(sql, [41])[0].decode((Int, Int).self)
                #expect(sum == 42)
                newPID = pid
                break
            } catch let error as PostgresError where error.code == .connectionLost {
                try await Task.sleep(for: .milliseconds(20))  // terminated while the lease was starting
            }
        }
        #expect(newPID != firstPID)
        for value in 1...3 {
            #expect(try await pool.query(sql, [value])[0].decode((Int, Int).self).0 == value + 1)
        }
        let prepared = try await pool.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [sql])[0].decode(Int.self, at: 0)
        #expect(prepared == 1)
        await pool.close()
        await other.close()
    }

    @Test("a statement whose result type changed is prepared again (outside a transaction) without an error")
    func resultTypeChanged() async throws {
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 1))
        let table = PostgresTestEnvironment.uniqueName("prepared")
        try await pool.execute("CREATE TABLE \(table) (a int)")
        try await pool.execute("INSERT INTO \(table) VALUES (1)")
        let select = "SELECT * FROM \(table) WHERE a = $1"
        for _ in 1...3 { #expect(try await pool.query(select, [1]).columns.count == 1) }
        try await pool.execute("ALTER TABLE \(table) ADD COLUMN b text DEFAULT 'x'")
        let rows = try await pool.query(select, [1])
        #expect(rows.columns.count == 2)
        #expect(try rows[0].decode((Int, String).self) == (1, "x"))

        // Inside a transaction the failed statement aborts it: the error is thrown, and the next use recovers.
        try await pool.execute("ALTER TABLE \(table) ADD COLUMN c int DEFAULT 7")
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { tx in try await tx.query(select, [1]) }
        }
        #expect(error?.sqlState == "0A000")
        #expect(try await pool.query(select, [1]).columns.count == 3)
        try await pool.execute("DROP TABLE \(table)")
        await pool.close()
    }

    @Test("statements deallocated behind the cache's back are prepared again; a bad statement is not kept")
    func deallocatedAndErrors() throws {
        let session = try self.connect()
        for _ in 1...3 { _ = try session.query("SELECT $1::int + 1", [.int32(1)]) }
        try session.execute("DEALLOCATE ALL")
        #expect(try session.query("SELECT $1::int + 1", [.int32(1)])[0].decode(Int.self, at: 0) == 2)

        for _ in 1...2 {
            let error = #expect(throws: PostgresError.self) { try session.query("SELEC $1::int", [.int32(1)]) }
            #expect(error?.sqlState == "42601")
        }
        let before = session.statements.count
        #expect(try session.query("SELECT $1::int + 1", [.int32(2)])[0].decode(Int.self, at: 0) == 3)
        #expect(session.statements.count == before)
    }

    @Test("plansEveryExecution sets the session's plan cache mode; capacity 0 prepares nothing")
    func options() throws {
        var configuration = try PostgresTestEnvironment.configuration()
        configuration.plansEveryExecution = true
        configuration.statementCacheCapacity = 0
        let session = try LibPQConnection.connect(configuration)
        for _ in 1...3 {
            #expect(try session.query("SELECT current_setting($1)", [.text("plan_cache_mode")])[0]
                .decode(String.self, at: 0) == "force_custom_plan")
        }
        #expect(try self.serverCount(session) == 0)
        #expect(try self.connect().query("SHOW plan_cache_mode", [])[0].decode(String.self, at: 0) == "auto")
    }

    @Test("many distinct statements stay within the bound, least recently used evicted, results right")
    func bounded() throws {
        let session = try self.connect(capacity: 8)
        for round in 1...3 {
            for value in 1...20 {
                let rows = try session.query("SELECT $1::int + \(value)", [.int32(Int32(round))])
                #expect(try rows[0].decode(Int.self, at: 0) == value + round)
            }
        }
        #expect(session.statements.count == 8)
        #expect(try self.serverCount(session, like: "SELECT $1::int + %") == 8)
        // A hot statement survives a stream of one-offs (they are never prepared).
        for _ in 1...3 { _ = try session.query("SELECT $1::int * 2", [.int32(2)]) }
        for value in 100...140 { _ = try session.query("SELECT $1::int - \(value)", [.int32(1)]) }
        #expect(try self.serverCount(session, like: "SELECT $1::int * 2") == 1)
    }
}
