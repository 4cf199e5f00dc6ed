import Foundation
import ServiceKit

await ServiceMain.run(name: "comms-service", environment: ProcessInfo.processInfo.environment) { environment in
    try CommsServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: CommsServiceMigrations.schema, migrations: CommsServiceMigrations.all)
    return [database, try context.serveWire(config.wire, drainTimeout: config.drainTimeout)]
}
