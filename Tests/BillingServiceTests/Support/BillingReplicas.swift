import Contracts
import Foundation
import PurrpurrTestSupport
import ServiceKit
import Wire
@testable import BillingService

/// Several BillingService replicas over one database: each its own pool, store (group commit) and Wire server
/// (``StandInWireService``, mTLS), called with the Router's certificate.
final class BillingReplicas: Sendable {
    let replicas: [StandInWireService]
    let pools: [PostgresPool]

    init(schema: String, count: Int = 2) async throws {
        var replicas: [StandInWireService] = []
        var pools: [PostgresPool] = []
        for _ in 0..<count {
            var configuration = try PostgresConfiguration(url: BillingHarness.databaseURL ?? "")
            configuration.maxConnections = 8
            let pool = PostgresPool(configuration: configuration)
            let handlers = BillingHandlers(store: BillingStore(pool: pool, schema: schema), testClock: true) {}
            replicas.append(try StandInWireService(service: "billing", caller: "router") { handlers.register(on: $0) })
            pools.append(pool)
        }
        self.replicas = replicas
        self.pools = pools
    }

    /// Each replica's client.
    var clients: [BillingContract.Client] { replicas.map { BillingContract.Client($0.client) } }

    func shutdown() async {
        for replica in replicas { await replica.shutdown() }
        for pool in pools { await pool.close() }
    }
}
