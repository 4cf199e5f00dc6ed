import Foundation
import ServiceKit

await ServiceMain.run(name: "identity-service", environment: ProcessInfo.processInfo.environment) { environment in
    try IdentityServiceConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: IdentityServiceMigrations.schema, migrations: IdentityServiceMigrations.all)
    let app = try IdentityServiceApp.production(config: config, database: database.pool, logger: context.logger)
    try await app.keys.bootstrap()
    let wire = try context.serveWire(config.wire, drainTimeout: config.drainTimeout) { server in app.register(on: server) }
    return app.services(database: database, wire: wire)
}
