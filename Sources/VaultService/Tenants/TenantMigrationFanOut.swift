import Contracts
import Foundation
import ServiceKit

/// Brings every tenant schema to the latest ``TenantMigrations`` version, in the background after start,
/// on every replica: one tenant at a time, each in one transaction under a per-tenant advisory lock
/// (`pg_try_advisory_xact_lock`; a tenant another replica holds is skipped, so replicas share the work)
/// and its catalog row locked, with a `lock_timeout` so a busy tenant's traffic is never blocked long.
///
/// Status per tenant is in the catalog: `schema_version`, and for a failing one `migration_error`,
/// `migration_failures` and `migration_retry_at` (backoff: `retryBase` doubled per failure, at most
/// `maxRetry`). A failure rolls that tenant back and the others go on. When no tenant is behind the loop
/// waits for the shutdown; while some are, it looks again every `pollInterval`.
struct TenantMigrationFanOut: Service {
    /// The pool of the catalog's database (the shared tier).
    let pool: PostgresPool
    /// The catalog schema.
    let catalog: String
    /// The steps (the production list; tests add their own).
    var steps: [TenantMigrations.Step] = TenantMigrations.all
    /// The first retry's delay.
    var retryBase: Duration = .seconds(5)
    /// The longest retry delay.
    var maxRetry: Duration = .seconds(3600)
    /// How often to look again while tenants are behind.
    var pollInterval: Duration = .seconds(5)
    /// The dedicated tier's pools (a dedicated tenant's steps run in its database, inside the catalog row's lock).
    var pools: TenantPools?
    /// Where failures are logged (project, version and SQLSTATE).
    var logger: Logger?

    /// The newest version.
    var latest: Int { steps.last?.version ?? 0 }

    func run() async throws {
        while !Task.isShuttingDownGracefully {
            let behind: Int
            do {
                behind = try await runOnce()
            } catch {
                logger?.warning("vault tenant migrations: pass failed", metadata: [LogKey("error"): .string(String(describing: error))])
                behind = 1
            }
            if behind == 0 {
                try? await gracefulShutdown()
                return
            }
            _ = await Task.sleepUnlessShuttingDown(for: pollInterval)
        }
    }

    /// One pass over the tenants that are behind and due; answers how many are still behind.
    @discardableResult
    func runOnce() async throws -> Int {
        let due = try await pool.query("""
            SELECT project_id FROM \(catalog).tenants
            WHERE schema_version < $1 AND (migration_retry_at IS NULL OR migration_retry_at <= now())
            ORDER BY created_at, project_id
            """, [latest])
        for row in due {
            if Task.isShuttingDownGracefully { break }
            try await migrate(projectID: try row.decode(String.self, at: 0))
        }
        return try await pool.query(
            "SELECT count(*) FROM \(catalog).tenants WHERE schema_version < $1", [latest])[0].decode(Int.self, at: 0)
    }

    /// Applies the missing steps to one tenant (nothing when another replica holds it or it is current).
    func migrate(projectID: String) async throws {
        var attempting = latest
        do {
            try await pool.withTransaction { tx in
                let locked = try await tx.query(
                    "SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2))", ["vault.tenant-migrations", projectID])
                guard try locked[0].decode(Bool.self, at: 0) else { return }
                let rows = try await tx.query(
                    "SELECT location, schema_version, database_url FROM \(catalog).tenants WHERE project_id = $1 FOR UPDATE",
                    [projectID])
                guard let row = rows.first else { return }
                let (schema, version, url) = try row.decode((String, Int, String?).self)
                guard version < latest else { return }
                let apply = { (client: PostgresTransaction) async throws in
                    try await client.execute("SET LOCAL lock_timeout = '5s'")
                    for step in steps where step.version > version {
                        attempting = step.version
                        for statement in step.statements(schema) { try await client.execute(statement) }
                    }
                }
                if let url {
                    try await (pools ?? TenantPools(main: pool)).pool(for: url).withTransaction { try await apply($0) }
                } else {
                    try await apply(tx)
                }
                try await tx.execute("""
                    UPDATE \(catalog).tenants SET schema_version = $2, migration_error = NULL, migration_failures = 0,
                    migration_retry_at = NULL, migration_failed_version = NULL WHERE project_id = $1
                    """, [projectID, latest])
            }
        } catch let error as PostgresError where error.code == .server {
            // PostgreSQL's message about the DDL (no document data): kept for the operator, not logged.
            let message = String("\(error.sqlState ?? "?"): \(error.serverMessage ?? error.reason ?? "failed")".prefix(500))
            logger?.warning("vault tenant migration failed", metadata: [
                .projectID: .string(projectID), LogKey("vault.tenant_version"): .int(attempting), LogKey("sqlstate"): .string(error.sqlState ?? "?"),
            ])
            try await pool.execute("""
                UPDATE \(catalog).tenants SET migration_error = $2, migration_failed_version = $3,
                migration_failures = migration_failures + 1,
                migration_retry_at = now() + least($4 * power(2, migration_failures), $5) * interval '1 second'
                WHERE project_id = $1
                """, [projectID, message, attempting, Double(retryBase.components.seconds), Double(maxRetry.components.seconds)])
        }
    }

    /// `GET /v1/admin/vault/migrations`: how many tenants are at the latest version, behind, failing.
    func status() async throws -> VaultMigrationsView {
        let counts = try await pool.query("""
            SELECT count(*) FILTER (WHERE schema_version >= $1),
                   count(*) FILTER (WHERE schema_version < $1 AND migration_error IS NULL),
                   count(*) FILTER (WHERE schema_version < $1 AND migration_error IS NOT NULL)
            FROM \(catalog).tenants
            """, [latest])
        let (applied, pending, failed) = try counts[0].decode((Int64, Int64, Int64).self)
        let failures = try await pool.query("""
            SELECT project_id, COALESCE(migration_failed_version, schema_version + 1), migration_error FROM \(catalog).tenants
            WHERE schema_version < $1 AND migration_error IS NOT NULL ORDER BY project_id LIMIT 100
            """, [latest]).map { row in
            let (project, version, error) = try row.decode((String, Int, String).self)
            return VaultMigrationsView.Failure(projectID: project, version: version, error: error)
        }
        return VaultMigrationsView(latest: latest, applied: applied, pending: pending, failed: failed, failures: failures)
    }
}
