import Foundation

/// Keeps a service's ``PostgresPool`` open while the process runs and closes it on shutdown.
///
/// Put it first in the list `build` returns: services drain in reverse start order, so the pool
/// outlives every service that still finishes work against it.
public struct DatabaseService: Service {
    /// The pool this service owns.
    public let pool: PostgresPool

    /// Wraps `pool`; ``run()`` closes it once the group asks for a graceful shutdown.
    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func run() async throws {
        // Cancellation (after the drain timeout) ends the wait too; either way the pool closes.
        try? await gracefulShutdown()
        await pool.close()
    }
}
