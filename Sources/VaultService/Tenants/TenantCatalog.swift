import Foundation
import ServiceKit

/// The catalog of tenants (`<catalog>.tenants`): which schema holds each project's collections. A project
/// has no row until its first collection; ``ensure(projectID:)`` then creates its schema at the latest
/// ``TenantMigrations`` version in the same transaction as the row (concurrent first calls wait on the
/// row's key and find it made).
struct TenantCatalog: Sendable {
    /// The pool.
    let pool: PostgresPool
    /// The vault's own schema.
    let catalog: String

    /// One project's entry.
    struct Tenant: Sendable, Hashable {
        let tier: String
        /// The tenant schema's name (the same on either tier).
        let location: String
        let schemaVersion: Int
        /// The database holding the schema; nil for the vault's own (the shared tier's).
        var databaseURL: String?
        /// The current or last move: `copying`, `completed`, `failed`; nil when never moved.
        var moveState: String?
    }

    /// The schema of `projectID`'s collections: `<catalog>_t_` and 32 hex digits of SHA-256 of the id, so
    /// no caller text ever becomes an identifier.
    static func schemaName(catalog: String, projectID: String) -> String {
        let digest = SHA256.hash(projectID).prefix(16)
        return catalog + "_t_" + digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The project's entry, nil before its first collection.
    func tenant(projectID: String) async throws -> Tenant? {
        try await tenant(projectID: projectID, in: pool)
    }

    /// The project's entry read in `client` (a transaction, or the pool).
    func tenant(projectID: String, in client: some PostgresClient) async throws -> Tenant? {
        let rows = try await client.query(
            "SELECT tier, location, schema_version, database_url, move_state FROM \(catalog).tenants WHERE project_id = $1",
            [projectID])
        return try rows.first.map { row in
            let (tier, location, version, url, move) = try row.decode((String, String, Int, String?, String?).self)
            return Tenant(tier: tier, location: location, schemaVersion: version, databaseURL: url, moveState: move)
        }
    }

    /// The project's schema, creating it (at the latest tenant version) if it has none yet.
    func ensure(projectID: String) async throws -> String {
        if let tenant = try await tenant(projectID: projectID) { return tenant.location }
        let schema = Self.schemaName(catalog: catalog, projectID: projectID)
        try await pool.withTransaction { tx in
            let inserted = try await tx.query("""
                INSERT INTO \(catalog).tenants (project_id, tier, location, schema_version)
                VALUES ($1, 'shared', $2, $3) ON CONFLICT (project_id) DO NOTHING RETURNING project_id
                """, [projectID, schema, TenantMigrations.latest])
            guard inserted.count == 1 else { return }
            for step in TenantMigrations.all {
                for statement in step.statements(schema) { try await tx.execute(statement) }
            }
        }
        return try await tenant(projectID: projectID)?.location ?? schema
    }
}
