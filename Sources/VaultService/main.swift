import ServiceKit

await ServiceMain.runMeshService(.vault, migrations: VaultServiceMigrations.all)
