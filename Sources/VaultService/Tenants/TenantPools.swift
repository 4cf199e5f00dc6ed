import Synchronization
import ServiceKit

/// The connection pools of the vault's tenants: the vault's own database (the shared tier, and the catalog)
/// and one pool per dedicated location, made at its first use and kept.
final class TenantPools: Sendable {
    /// The vault's own database.
    let main: PostgresPool
    /// The connections of each dedicated pool.
    let maxConnections: Int
    private let dedicated = Mutex<[String: PostgresPool]>([:])

    /// Pools around `main`.
    init(main: PostgresPool, maxConnections: Int = 8) {
        self.main = main
        self.maxConnections = maxConnections
    }

    /// The pool of `url`, or `main` for nil.
    func pool(for url: String?) throws -> PostgresPool {
        guard let url else { return main }
        var configuration = try PostgresConfiguration(url: url)
        configuration.maxConnections = maxConnections
        configuration.applicationName = main.configuration.applicationName
        configuration.plansEveryExecution = main.configuration.plansEveryExecution
        return dedicated.withLock { pools in
            if let pool = pools[url] { return pool }
            let pool = PostgresPool(configuration: configuration)
            pools[url] = pool
            return pool
        }
    }

    /// Closes the dedicated pools (not `main`).
    func close() async {
        let pools = dedicated.withLock { pools in
            defer { pools = [:] }
            return Array(pools.values)
        }
        for pool in pools { await pool.close() }
    }
}
