/// The pool's bookkeeping as a pure value: which connections are idle, how many exist, who waits (FIFO).
///
/// The pool runs the returned actions (resume a waiter, open a connection, close one); tests drive this
/// struct directly, without threads or a server. Generic so tests can use plain values.
struct PostgresPoolState<Connection, Waiter> {
    /// What ``acquire(waiterID:waiter:)`` decided.
    enum AcquireAction {
        /// Lease this idle connection.
        case use(Connection)
        /// Open a new connection with this id and lease it (a slot is already reserved).
        case open(connectionID: Int)
        /// The waiter was queued; schedule its timeout.
        case wait
        /// Fail at once.
        case fail(PostgresError)
    }

    /// What ``release(_:)`` decided.
    enum ReleaseAction {
        /// Give the connection to this waiter (the oldest one).
        case handOver(Connection, to: Waiter)
        /// Keep it idle.
        case park
        /// The pool is closed: stop the connection.
        case close(Connection)
    }

    let maxConnections: Int
    private(set) var idle: [Connection] = []
    private(set) var openCount = 0
    private(set) var isClosed = false
    private var waiters: [(id: Int, waiter: Waiter)] = []
    private var nextConnectionID = 1

    init(maxConnections: Int) {
        self.maxConnections = max(1, maxConnections)
    }

    /// The number of callers waiting for a connection.
    var waiterCount: Int { self.waiters.count }

    /// A caller asks for a connection.
    mutating func acquire(waiterID: Int, waiter: Waiter) -> AcquireAction {
        if self.isClosed { return .fail(PostgresError(.poolClosed)) }
        if let connection = self.idle.popLast() { return .use(connection) }
        if self.openCount < self.maxConnections {
            self.openCount += 1
            defer { self.nextConnectionID += 1 }
            return .open(connectionID: self.nextConnectionID)
        }
        self.waiters.append((waiterID, waiter))
        return .wait
    }

    /// A lease ended.
    mutating func release(_ connection: Connection) -> ReleaseAction {
        if self.isClosed {
            self.openCount -= 1
            return .close(connection)
        }
        if !self.waiters.isEmpty {
            return .handOver(connection, to: self.waiters.removeFirst().waiter)
        }
        self.idle.append(connection)
        return .park
    }

    /// A waiter timed out or was cancelled: remove it, returning it if it was still queued
    /// (nil means it was already served and must not be resumed again).
    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return self.waiters.remove(at: index).waiter
    }

    /// Shut down: returns the idle connections to stop and the waiters to fail. Leased connections are
    /// closed when they are released.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        guard !self.isClosed else { return ([], []) }
        self.isClosed = true
        let idle = self.idle
        let waiters = self.waiters.map(\.waiter)
        self.idle = []
        self.waiters = []
        self.openCount -= idle.count
        return (idle, waiters)
    }
}
