import Foundation
import ServiceKit

await ServiceMain.run(name: "billing-service", environment: ProcessInfo.processInfo.environment) { environment in
    try BillingServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: BillingServiceMigrations.schema, migrations: BillingServiceMigrations.all)
    return [database, try context.serveWire(config.wire, drainTimeout: config.drainTimeout)]
}
