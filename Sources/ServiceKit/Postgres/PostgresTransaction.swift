import Synchronization

/// The handle `PostgresPool.withTransaction` passes to its closure: every statement runs on the
/// transaction's one connection, in order.
///
/// Valid only inside the closure; afterwards statements fail with ``PostgresError/Code/transactionClosed``.
/// A connection that breaks inside a transaction is never silently replaced: the statement fails with
/// ``PostgresError/Code/connectionLost`` and the transaction is gone.
public struct PostgresTransaction: PostgresClient {
    /// The lease shared by copies of the handle.
    fileprivate final class Lease: Sendable {
        let connection: PostgresConnection
        let isOpen = Atomic<Bool>(true)
        let afterCommit = Mutex<[@Sendable () -> Void]>([])
        init(connection: PostgresConnection) { self.connection = connection }
    }

    private let lease: Lease

    init(connection: PostgresConnection) {
        self.lease = Lease(connection: connection)
    }

    /// Runs one statement inside the transaction and returns its rows.
    /// - Throws: ``PostgresError``.
    public func query(_ sql: String, _ parameters: [any PostgresEncodable]) async throws -> PostgresRows {
        let values = try parameters.postgresValues()
        guard self.lease.isOpen.load(ordering: .acquiring) else {
            throw PostgresError(.transactionClosed, reason: "transaction used after its closure returned")
        }
        return try await self.lease.connection.query(sql, values, startsLease: false)
    }

    /// Runs `action` after the transaction's `COMMIT` succeeds, in the order registered; dropped if it rolls back.
    public func afterCommit(_ action: @escaping @Sendable () -> Void) {
        self.lease.afterCommit.withLock { $0.append(action) }
    }

    /// Marks the handle unusable (the closure returned or threw).
    func end() {
        self.lease.isOpen.store(false, ordering: .releasing)
    }

    /// Runs the ``afterCommit(_:)`` actions (the transaction committed).
    func committed() {
        for action in self.lease.afterCommit.withLock({ actions in defer { actions = [] }; return actions }) { action() }
    }
}

/// A transaction isolation level for `PostgresPool.withTransaction(isolationLevel:)`.
public enum PostgresIsolationLevel: Sendable, Hashable {
    /// PostgreSQL's default.
    case readCommitted
    /// One snapshot for the whole transaction.
    case repeatableRead
    /// Serializable; be ready to retry on ``PostgresError/isRetryableTransactionFailure``.
    case serializable

    /// The SQL keywords.
    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}
