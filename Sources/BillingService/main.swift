import ServiceKit

await ServiceMain.runMeshService(.billing, migrations: BillingServiceMigrations.all)
