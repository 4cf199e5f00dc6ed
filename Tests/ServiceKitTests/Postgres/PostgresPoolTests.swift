import Foundation
import Testing
@testable import ServiceKit

/// The pool's bookkeeping, driven directly: no threads, no server.
@Suite("PostgreSQL pool state")
struct PostgresPoolStateTests {
    @Test("opens up to the limit, then queues; releases serve waiters first-in first-out")
    func fifo() {
        var state = PostgresPoolState<String, String>(maxConnections: 2)
        guard case .open(let first) = state.acquire(waiterID: 1, waiter: "w1") else { Issue.record(); return }
        guard case .open(let second) = state.acquire(waiterID: 2, waiter: "w2") else { Issue.record(); return }
        #expect(first != second)
        guard case .wait = state.acquire(waiterID: 3, waiter: "w3") else { Issue.record(); return }
        guard case .wait = state.acquire(waiterID: 4, waiter: "w4") else { Issue.record(); return }
        #expect(state.waiterCount == 2)
        guard case .handOver("a", to: "w3") = state.release("a") else { Issue.record(); return }
        guard case .handOver("b", to: "w4") = state.release("b") else { Issue.record(); return }
        guard case .park = state.release("a") else { Issue.record(); return }
        guard case .use("a") = state.acquire(waiterID: 5, waiter: "w5") else { Issue.record(); return }
        #expect(state.openCount == 2)
    }

    @Test("a removed (timed out or cancelled) waiter leaves the queue and is never served twice")
    func removal() {
        var state = PostgresPoolState<String, String>(maxConnections: 1)
        _ = state.acquire(waiterID: 1, waiter: "holder")
        _ = state.acquire(waiterID: 2, waiter: "w2")
        _ = state.acquire(waiterID: 3, waiter: "w3")
        #expect(state.removeWaiter(id: 2) == "w2")
        #expect(state.removeWaiter(id: 2) == nil)
        guard case .handOver("a", to: "w3") = state.release("a") else { Issue.record(); return }
        #expect(state.removeWaiter(id: 3) == nil)
    }

    @Test("close hands back idle connections and waiters, then closes leased ones on release")
    func close() {
        var state = PostgresPoolState<String, String>(maxConnections: 2)
        _ = state.acquire(waiterID: 1, waiter: "w1")
        _ = state.acquire(waiterID: 2, waiter: "w2")
        _ = state.release("a")
        let (idle, waiters) = state.close()
        #expect(idle == ["a"] && waiters.isEmpty)
        guard case .close("b") = state.release("b") else { Issue.record(); return }
        #expect(state.openCount == 0)
        guard case .fail(let error) = state.acquire(waiterID: 3, waiter: "w3") else { Issue.record(); return }
        #expect(error.code == .poolClosed)
    }
}

/// The pool's waiting and failure behaviour. Leasing does not connect (sessions open lazily on the first
/// statement), so these run without a server.
@Suite("PostgreSQL pool without a server")
struct PostgresPoolWaitingTests {
    private func makePool(timeout: Duration) throws -> PostgresPool {
        var configuration = try PostgresConfiguration(url: "postgres://nobody@127.0.0.1:1/none")
        configuration.maxConnections = 1
        configuration.acquireTimeout = timeout
        return PostgresPool(configuration: configuration)
    }

    private func waitForWaiters(_ pool: PostgresPool, _ count: Int) async throws {
        for _ in 0..<500 where pool.waiterCount != count { try await Task.sleep(for: .milliseconds(5)) }
        try #require(pool.waiterCount == count)
    }

    @Test("waiters are served in arrival order")
    func fifoOrder() async throws {
        let pool = try self.makePool(timeout: .seconds(30))
        let order = PostgresEventLog<Int>()
        let held = try await pool.acquire()
        var tasks: [Task<Void, any Error>] = []
        for index in 1...4 {
            tasks.append(Task {
                let connection = try await pool.acquire()
                await order.append(index)
                pool.release(connection)
            })
            try await self.waitForWaiters(pool, index)
        }
        pool.release(held)
        for task in tasks { try await task.value }
        #expect(await order.events == [1, 2, 3, 4])
        await pool.close()
    }

    @Test("a cancelled waiter leaves the queue with a cancelled error; the next one is served")
    func cancelledWaiter() async throws {
        let pool = try self.makePool(timeout: .seconds(30))
        let held = try await pool.acquire()
        let cancelled = Task { try await pool.acquire() }
        try await self.waitForWaiters(pool, 1)
        let next = Task {
            let connection = try await pool.acquire()
            pool.release(connection)
        }
        try await self.waitForWaiters(pool, 2)
        cancelled.cancel()
        let error = await #expect(throws: PostgresError.self) { try await cancelled.value }
        #expect(error?.code == .cancelled)
        #expect(pool.waiterCount == 1)
        pool.release(held)
        try await next.value
        await pool.close()
    }

    @Test("an exhausted pool fails a waiter with poolTimeout after the acquire timeout")
    func timeoutWithoutServer() async throws {
        let pool = try self.makePool(timeout: .milliseconds(100))
        let held = try await pool.acquire()
        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) { try await pool.acquire() }
        #expect(error?.code == .poolTimeout)
        #expect(ContinuousClock.now - start >= .milliseconds(90))
        #expect(pool.waiterCount == 0)
        pool.release(held)
        await pool.close()
    }

    @Test("close fails queued waiters with poolClosed")
    func closeFailsWaiters() async throws {
        let pool = try self.makePool(timeout: .seconds(30))
        let held = try await pool.acquire()
        let waiter = Task { try await pool.acquire() }
        try await self.waitForWaiters(pool, 1)
        await pool.close()
        let error = await #expect(throws: PostgresError.self) { try await waiter.value }
        #expect(error?.code == .poolClosed)
        pool.release(held)
    }

    @Test("an unreachable server fails with connectionFailed and a description without credentials")
    func connectionFailed() async throws {
        var configuration = try PostgresConfiguration(url: "postgres://user:hunter2@127.0.0.1:1/db")
        configuration.connectTimeout = .seconds(2)
        let pool = PostgresPool(configuration: configuration)
        let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.target == "127.0.0.1:1/db")
        #expect(error?.description.contains("hunter2") == false)
        #expect(configuration.description.contains("hunter2") == false)
        await pool.close()
    }
}

@Suite("PostgreSQL pool", .enabled(if: PostgresTestEnvironment.isAvailable, PostgresTestEnvironment.disabledReason))
struct PostgresPoolTests {
    @Test("a pool of one whose connection is held times out the next query with poolTimeout")
    func exhaustion() async throws {
        let events = PostgresEventLog<PostgresPool.Event>()
        let configuration = try PostgresTestEnvironment.configuration(maxConnections: 1, acquireTimeout: .milliseconds(200))
        let pool = PostgresPool(configuration: configuration) { event in Task { await events.append(event) } }
        try await pool.withTransaction { tx in
            _ = try await tx.query("SELECT 1")
            let start = ContinuousClock.now
            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 2") }
            #expect(error?.code == .poolTimeout)
            #expect(ContinuousClock.now - start >= .milliseconds(180))
        }
        #expect(try await pool.query("SELECT 3::int")[0].decode(Int.self, at: 0) == 3)
        #expect(await events.wait(timeout: .seconds(2)) { $0.contains { if case .acquireTimedOut = $0 { true } else { false } } })
        await pool.close()
    }

    @Test("concurrent queries share a bounded pool")
    func concurrentQueries() async throws {
        // Not a timeout test: a lease is handed on only after its caller resumes on Swift's cooperative pool,
        // which CPU-heavy tests running in parallel can keep busy, so allow a generous wait.
        let pool = PostgresPool(configuration: try PostgresTestEnvironment.configuration(maxConnections: 3, acquireTimeout: .seconds(60)))
        let sum = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 1...30 {
                group.addTask { try await pool.query("SELECT $1::bigint * 2", [value])[0].decode(Int.self, at: 0) }
            }
            return try await group.reduce(0, +)
        }
        #expect(sum == 930)
        let sessions = try await pool.query(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'purrpurr' AND datname = current_database()"
        )
        #expect(try sessions[0].decode(Int.self, at: 0) >= 1)
        await pool.close()
    }
}
