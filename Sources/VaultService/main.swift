import ServiceKit

await ServiceMain.runMeshService(
    .vault, migrations: VaultServiceMigrations.all, configuration: { try VaultServiceConfig(environment: $0) }
) { config, context, pool in
    let store = VaultStore(pool: pool)
    let fanOut = TenantMigrationFanOut(pool: pool, catalog: store.catalog, logger: context.logger)
    let handlers = VaultHandlers(store: store, quotas: config.quotas, migrations: fanOut)
    return MeshServiceParts(afterWire: [fanOut]) { handlers.register(on: $0) }
}
