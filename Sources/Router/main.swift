import Foundation
import ServiceKit

await ServiceMain.run(name: "router", environment: ProcessInfo.processInfo.environment) { environment in
    try RouterConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: RouterMigrations.schema, migrations: RouterMigrations.all)
    return [database, IdleService()]  // The HTTP front and Wire clients join it.
}
