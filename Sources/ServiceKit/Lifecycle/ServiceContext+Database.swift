import Foundation

extension ServiceContext {
    /// Connects to the executable's PostgreSQL, applies its migrations (under an advisory lock, so
    /// replicas may start together) and returns the service that owns the pool.
    ///
    /// ```swift
    /// let database = try await context.openDatabase(url: config.databaseURL, schema: "identity",
    ///                                               migrations: IdentityMigrations.all)
    /// return [database, ...]
    /// ```
    ///
    /// `plansEveryExecution`: see ``PostgresConfiguration/plansEveryExecution``.
    ///
    /// Pool events (connections made, lost, acquire time-outs) are logged with codes only — never the URL,
    /// which may hold a password.
    /// - Throws: ``PostgresError`` if the server cannot be reached, ``MigrationError`` naming the failed step.
    public func openDatabase(
        url: Secret<URL>,
        schema: String,
        migrations: [Migration],
        maxConnections: Int = 10,
        plansEveryExecution: Bool = false
    ) async throws -> DatabaseService {
        var configuration = try PostgresConfiguration(url: url.value.absoluteString)
        configuration.maxConnections = maxConnections
        configuration.plansEveryExecution = plansEveryExecution
        configuration.applicationName = self.name
        let logger = self.logger
        let pool = PostgresPool(configuration: configuration) { event in
            switch event {
            case .connected:
                logger.debug("database connected")
            case .connectFailed(_, let error):
                logger.warning("database connect failed", metadata: [.errorCode: .string("\(error.code)")])
            case .connectionLost(_, let error):
                logger.warning("database connection lost", metadata: [.errorCode: .string("\(error.code)")])
            case .acquireTimedOut(let waiting):
                logger.warning("database pool exhausted", metadata: [LogKey("db.waiting"): .int(waiting)])
            }
        }
        do {
            let applied = try await Migrator(schema: schema, migrations: migrations).migrate(on: pool)
            logger.info("database ready", metadata: [
                LogKey("db.target"): .string(configuration.redactedTarget),
                LogKey("db.schema"): .string(schema),
                LogKey("db.migrations.applied"): .int(applied.count),
            ])
        } catch let error as MigrationError {
            logger.critical("migration failed", metadata: [
                LogKey("db.migration.version"): .int(error.version),
                LogKey("db.migration.name"): .string(error.name),
                LogKey("db.sqlstate"): .string(error.sqlState ?? ""),
            ])
            await pool.close()
            throw error
        } catch {
            await pool.close()
            throw error
        }
        return DatabaseService(pool: pool)
    }
}
