import Foundation
import ServiceKit

await ServiceMain.run(name: "vault-service", environment: ProcessInfo.processInfo.environment) { environment in
    try VaultServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: VaultServiceMigrations.schema, migrations: VaultServiceMigrations.all)
    return [database, try context.serveWire(config.wire, drainTimeout: config.drainTimeout)]
}
