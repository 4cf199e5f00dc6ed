import Foundation
import ServiceKit

if CommandLine.arguments.contains("--print-openapi") {
    print(OpenAPIDocument.make(try RouterRoutes.documentation()).serialized)
    exit(0)
}

await ServiceMain.run(name: "router", environment: ProcessInfo.processInfo.environment) { environment in
    try RouterConfig(environment: environment)
} build: { config, context in
    let database = try await context.openDatabase(
        url: config.databaseURL, schema: RouterMigrations.schema, migrations: RouterMigrations.all)
    return try await RouterServices.build(config: config, context: context, database: database)
}
