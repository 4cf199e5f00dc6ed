import ServiceKit

await ServiceMain.runMeshService(.vault, migrations: VaultServiceMigrations.all) { _, _, pool in
    let handlers = VaultHandlers(store: VaultStore(pool: pool))
    return MeshServiceParts { handlers.register(on: $0) }
}
