import Foundation
import ServiceKit

await ServiceMain.run(name: "comms-service", environment: ProcessInfo.processInfo.environment) { environment in
    try CommsServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: CommsServiceMigrations.schema, migrations: CommsServiceMigrations.all)
    let comms = try CommsComponents(config: config, pool: database.pool, logger: context.logger)
    let wire = try context.serveWire(config.wire, drainTimeout: config.drainTimeout) { comms.handlers.register(on: $0) }
    return [database, comms.outbox, wire]
}
