import Contracts
import Foundation
import ServiceKit
import Wire
@testable import BillingService

/// Several BillingService replicas over one database: each its own pool and Wire server (mTLS), and a
/// Router-like client per replica.
final class BillingReplicas: Sendable {
    let servers: [WireServer]
    let pools: [PostgresPool]
    let clients: [BillingContract.Client]
    let group: EventLoopGroup

    init(schema: String, count: Int = 2) async throws {
        let ca = try CertificateAuthority.generate(commonName: "billing test CA", validity: .days(1))
        let serverCert = try ca.issue(serviceName: "billing", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let routerCert = try ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
        group = try EventLoopGroup(loopCount: 2)
        var servers: [WireServer] = []
        var pools: [PostgresPool] = []
        var clients: [BillingContract.Client] = []
        for _ in 0..<count {
            var configuration = try PostgresConfiguration(url: BillingHarness.databaseURL ?? "")
            configuration.maxConnections = 8
            let pool = PostgresPool(configuration: configuration)
            let server = WireServer(
                host: "127.0.0.1", port: 0,
                tls: try TLSContext.server(
                    certificateChain: serverCert.certificatePEM, privateKey: serverCert.privateKeyPEM, trustRoots: ca.certificatePEM),
                group: group, configuration: WireServer.Configuration(serviceName: "billing"))
            BillingHandlers(store: BillingStore(pool: pool, schema: schema), testClock: true) {}.register(on: server)
            try server.start()
            let client = WireClient(
                service: "billing", endpoints: [WireEndpoint(host: "127.0.0.1", port: server.port)],
                tls: try TLSContext.client(
                    certificateChain: routerCert.certificatePEM, privateKey: routerCert.privateKeyPEM, trustRoots: ca.certificatePEM),
                group: group, configuration: WireClient.Configuration(connectTimeout: .seconds(5)))
            servers.append(server)
            pools.append(pool)
            clients.append(BillingContract.Client(client))
        }
        self.servers = servers
        self.pools = pools
        self.clients = clients
    }

    func shutdown() async {
        for client in clients { client.client.close() }
        for server in servers { await server.shutdownGracefully(timeout: .seconds(1)) }
        for pool in pools { await pool.close() }
    }
}
