import Foundation
import ServiceKit

await ServiceMain.run(name: "identity-service", environment: ProcessInfo.processInfo.environment) { environment in
    try IdentityServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: IdentityServiceMigrations.schema, migrations: IdentityServiceMigrations.all)
    return [database, try context.serveWire(config.wire, drainTimeout: config.drainTimeout)]
}
