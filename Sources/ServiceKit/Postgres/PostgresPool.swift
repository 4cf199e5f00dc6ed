import Dispatch
import Synchronization

/// A bounded pool of PostgreSQL connections.
///
/// ```swift
/// let pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL))
/// let rows = try await pool.query("SELECT name FROM plans WHERE id = $1", [planID])
/// try await pool.withTransaction { tx in
///     try await tx.execute("UPDATE wallets SET credits = credits - $1 WHERE id = $2", [cost, walletID])
///     try await tx.execute("INSERT INTO ledger (wallet_id, delta) VALUES ($1, $2)", [walletID, -cost])
/// }
/// await pool.close()
/// ```
///
/// **Threading choice.** Each connection owns one dedicated thread that runs libpq's *blocking* calls, fed
/// jobs through a queue; each job resumes the caller's continuation. Swift's cooperative pool and the event
/// loops never block, libpq stays on its simplest, best-tested path (one `PGconn` per thread), and a thread
/// hop (microseconds) is noise next to a database round trip (100 µs and up). libpq's async API would save
/// the threads but needs its own poll loop and a state machine per connection for no gain at our pool sizes.
///
/// **Behaviour.** Connections open lazily, up to ``PostgresConfiguration/maxConnections``. When all are
/// busy, callers wait in FIFO order up to ``PostgresConfiguration/acquireTimeout`` and then fail with
/// ``PostgresError/Code/poolTimeout``; a cancelled waiter leaves the queue with
/// ``PostgresError/Code/cancelled``. A statement that is in flight when the connection breaks fails with
/// ``PostgresError/Code/connectionLost``; the broken session is discarded and the next lease of that slot
/// opens a new one (a session closed by the server while idle is noticed and replaced before use), so the
/// process never needs a restart after the server does. Task cancellation does not interrupt a running
/// statement (use `statement_timeout` for that).
///
/// **Prepared statements.** Each connection prepares a parameterized statement on its second use (keyed by SQL
/// text and parameter types) and then only executes it, so the server parses and plans it once per session;
/// the cache is bounded (``PostgresConfiguration/statementCacheCapacity``, least recently used deallocated),
/// starts empty on every new session, and a statement the server no longer accepts (result type changed by DDL,
/// deallocated) is prepared again — transparently outside a transaction, on next use inside one.
/// ``PostgresConfiguration/plansEveryExecution`` keeps planning with the values each time.
public final class PostgresPool: PostgresClient {
    /// Something worth logging that happened inside the pool, reported through the `onEvent` callback.
    public enum Event: Sendable {
        /// A connection slot opened a new session.
        case connected(connectionID: Int)
        /// Opening a session failed (the caller got the same error).
        case connectFailed(connectionID: Int, PostgresError)
        /// A session broke; it is discarded and replaced on next use.
        case connectionLost(connectionID: Int, PostgresError)
        /// A caller gave up waiting for a free connection; `waiting` callers are still queued.
        case acquireTimedOut(waiting: Int)
    }

    fileprivate typealias Waiter = CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>

    /// The configuration the pool was created with.
    public let configuration: PostgresConfiguration
    private let onEvent: (@Sendable (Event) -> Void)?
    private let state: Mutex<PostgresPoolState<PostgresConnection, Waiter>>
    private let nextWaiterID = Atomic<Int>(0)

    /// Creates a pool; no connection is opened until the first statement.
    /// - Parameter onEvent: called on internal threads for each ``Event``; must return quickly.
    public init(configuration: PostgresConfiguration, onEvent: (@Sendable (Event) -> Void)? = nil) {
        self.configuration = configuration
        self.onEvent = onEvent
        self.state = Mutex(PostgresPoolState(maxConnections: configuration.maxConnections))
    }

    deinit {
        let (idle, waiters) = self.state.withLock { $0.close() }
        waiters.forEach { $0.resume(returning: .failure(PostgresError(.poolClosed))) }
        idle.forEach { $0.stopSoon() }
    }

    /// Runs one statement on a free connection (auto-committed) and returns its rows.
    /// - Throws: ``PostgresError``.
    public func query(_ sql: String, _ parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        let values = try parameters.postgresValues()
        let connection = try await self.acquire()
        defer { self.release(connection) }
        return try await connection.query(sql, values, startsLease: true)
    }

    /// Runs `body` in a transaction on one connection: commits when it returns, rolls back when it throws
    /// (and rethrows its error).
    ///
    /// If a statement failed inside and `body` still returned, the server has aborted the transaction and
    /// COMMIT rolls back: that is reported as ``PostgresError/Code/server`` with SQLSTATE `25P02`. If the
    /// connection breaks during COMMIT, the outcome is unknown and ``PostgresError/Code/connectionLost``
    /// is thrown. The transaction handle must not be used after `body` returns.
    public func withTransaction<T>(
        isolationLevel: PostgresIsolationLevel? = nil,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        let connection = try await self.acquire()
        defer { self.release(connection) }
        let begin = isolationLevel.map { "BEGIN ISOLATION LEVEL \($0.sql)" } ?? "BEGIN"
        try await connection.run(startsLease: true) { session throws(PostgresError) in
            try session.execute(begin)
        }
        let transaction = PostgresTransaction(connection: connection)
        let value: T
        do {
            value = try await body(transaction)
        } catch {
            transaction.end()
            // A broken session has rolled back on the server side already; nothing else to do then.
            _ = try? await connection.run(startsLease: false) { session throws(PostgresError) in
                try session.execute("ROLLBACK")
            }
            throw error
        }
        transaction.end()
        let tag = try await connection.run(startsLease: false) { session throws(PostgresError) in
            try session.execute("COMMIT")
        }
        guard tag == "COMMIT" else {
            throw PostgresError(.server, sqlState: "25P02", reason: "transaction aborted by an earlier error; rolled back")
        }
        transaction.committed()
        return value
    }

    /// Closes idle connections and fails waiting callers with ``PostgresError/Code/poolClosed``; connections
    /// still leased close when released. Returns when the idle ones are closed.
    public func close() async {
        let (idle, waiters) = self.state.withLock { $0.close() }
        waiters.forEach { $0.resume(returning: .failure(PostgresError(.poolClosed))) }
        for connection in idle { await connection.stop() }
    }

    /// Leases a connection: an idle one, a new one if below the limit, or the next one released (FIFO).
    func acquire() async throws(PostgresError) -> PostgresConnection {
        let waiterID = self.nextWaiterID.add(1, ordering: .relaxed).newValue
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: Waiter) in
                let action = self.state.withLock { state in
                    // Checked under the lock: a cancellation either is seen here or finds the queued waiter.
                    Task.isCancelled ? .fail(PostgresError(.cancelled)) : state.acquire(waiterID: waiterID, waiter: waiter)
                }
                switch action {
                case .use(let connection):
                    waiter.resume(returning: .success(connection))
                case .open(let connectionID):
                    let connection = PostgresConnection(
                        id: connectionID, configuration: self.configuration, onEvent: self.onEvent
                    )
                    waiter.resume(returning: .success(connection))
                case .fail(let error):
                    waiter.resume(returning: .failure(error))
                case .wait:
                    self.scheduleTimeout(waiterID: waiterID)
                }
            }
        } onCancel: {
            self.state.withLock { $0.removeWaiter(id: waiterID) }?
                .resume(returning: .failure(PostgresError(.cancelled)))
        }
        return try result.get()
    }

    /// Ends a lease: hands the connection to the oldest waiter, parks it, or stops it if the pool is closed.
    func release(_ connection: PostgresConnection) {
        switch self.state.withLock({ $0.release(connection) }) {
        case .handOver(let connection, let waiter):
            waiter.resume(returning: .success(connection))
        case .park:
            break
        case .close(let connection):
            connection.stopSoon()
        }
    }

    /// Callers queued for a connection (for tests and metrics).
    var waiterCount: Int { self.state.withLock { $0.waiterCount } }

    private func scheduleTimeout(waiterID: Int) {
        let timeout = self.configuration.acquireTimeout.components
        let nanoseconds = max(0, timeout.seconds) * 1_000_000_000 + max(0, timeout.attoseconds) / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
            let (waiter, remaining) = self.state.withLock { ($0.removeWaiter(id: waiterID), $0.waiterCount) }
            guard let waiter else { return }
            waiter.resume(returning: .failure(PostgresError(
                .poolTimeout, reason: "no connection free within the acquire timeout"
            )))
            self.onEvent?(.acquireTimedOut(waiting: remaining))
        }
    }
}
