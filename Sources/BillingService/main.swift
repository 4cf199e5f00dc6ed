import Contracts
import ServiceKit
import Wire

await ServiceMain.runMeshService(
    .billing, migrations: BillingServiceMigrations.all, configuration: BillingServiceConfig.init(environment:)
) { config, context, pool in
    var configured = BillingStore(pool: pool)
    if config.cyclePause > .zero {
        let pause = config.cyclePause
        configured.afterCharge = { _ in try await Task.sleep(for: pause) }
    }
    let store = configured
    var comms: CommsContract.Client?
    if !config.commsEndpoints.isEmpty {
        let tls = try TLSContext.client(
            certificateChainPath: config.base.wire.certificateChainPath, privateKeyPath: config.base.wire.privateKeyPath,
            trustRootsPath: config.base.wire.trustRootsPath)
        comms = CommsContract.Client(WireClient(
            service: "comms", endpoints: config.commsEndpoints, tls: tls, serverName: "comms",
            group: try ServiceContext.sharedEventLoopGroup()))
    }
    let alerts = AlertOutbox(store: store, comms: comms, logger: context.logger)
    let cycle = BillingCycle(store: store, alerts: alerts, interval: config.cycleInterval, logger: context.logger)
    let handlers = BillingHandlers(store: store, testClock: config.testClock) {
        Task { try? await alerts.dispatch() }
    }
    return MeshServiceParts(afterWire: [cycle]) { handlers.register(on: $0) }
}
