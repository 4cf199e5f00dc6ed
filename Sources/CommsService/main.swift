import ServiceKit

await ServiceMain.runMeshService(
    .comms, migrations: CommsServiceMigrations.all, configuration: CommsServiceConfig.init(environment:)
) { config, context, pool in
    let comms = try CommsComponents(config: config, pool: pool, logger: context.logger, metrics: context.metrics)
    // The outbox outlives the Wire server: what calls accepted is still sent while it drains.
    return MeshServiceParts(beforeWire: [comms.outbox, comms.webhookOutbox, comms.settler, comms.smartSend]) { comms.handlers.register(on: $0) }
}
