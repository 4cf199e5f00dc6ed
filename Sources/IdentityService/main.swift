import ServiceKit

await ServiceMain.runMeshService(
    .identity, migrations: IdentityServiceMigrations.all, configuration: IdentityServiceConfig.init(environment:)
) { config, context, pool in
    let app = try IdentityServiceApp.production(config: config, database: pool, logger: context.logger)
    try await app.keys.bootstrap()
    return app.meshParts()
}
