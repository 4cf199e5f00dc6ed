import ServiceKit

await ServiceMain.runMeshService(
    // Filters fold a field's path into a constant to match expression indexes: plan with the values each time.
    .vault, migrations: VaultServiceMigrations.all, plansEveryExecution: true,
    configuration: { try VaultServiceConfig(environment: $0) }
) { config, context, pool in
    let store = VaultStore(pool: pool)
    var fanOut = TenantMigrationFanOut(pool: pool, catalog: store.catalog, logger: context.logger)
    fanOut.pools = store.pools
    let mover = TenantMover(store: store, logger: context.logger)
    try await mover.recover()  // moves a previous process left half-way are rolled back
    let handlers = VaultHandlers(store: store, quotas: config.quotas, migrations: fanOut, mover: mover)
    let backups = BackupScheduler(store: store, schedule: config.backups, logger: context.logger)
    return MeshServiceParts(afterWire: [fanOut, backups]) { handlers.register(on: $0) }
}
