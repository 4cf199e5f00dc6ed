import ServiceKit

await ServiceMain.runMeshService(
    .identity, migrations: IdentityServiceMigrations.all, configuration: IdentityServiceConfig.init(environment:)
) { config, context, pool in
    let app = try IdentityServiceApp.production(config: config, database: pool, logger: context.logger)
    try await app.keys.bootstrap()
    // Stopped in reverse order: housekeeping, the Wire server (calls in flight), pending emails, the pool.
    return MeshServiceParts(beforeWire: [app.emailDrain()], afterWire: [app.housekeeping()]) { app.register(on: $0) }
}
