import ServiceKit

await ServiceMain.runMeshService(
    .vault, migrations: VaultServiceMigrations.all, configuration: { try VaultServiceConfig(environment: $0) }
) { config, _, pool in
    let handlers = VaultHandlers(store: VaultStore(pool: pool), quotas: config.quotas)
    return MeshServiceParts { handlers.register(on: $0) }
}
