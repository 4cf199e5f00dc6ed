import Foundation
import Contracts
import ServiceKit

extension VaultStore {
    /// Where `projectID`'s vault lives and how big it is (a project without collections: shared, no
    /// location, version 0, zeros).
    func tenantView(projectID: String) async throws -> TenantView {
        guard let tenant = try await tenants.tenant(projectID: projectID) else {
            return TenantView(tier: "shared", location: nil, schemaVersion: 0, collections: 0, documents: 0, sizeBytes: 0)
        }
        let schema = tenant.location
        let rows = try await pools.pool(for: tenant.databaseURL).query("""
            SELECT (SELECT count(*) FROM \(schema).collections), (SELECT count(*) FROM \(schema).documents),
                   (SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r')
            """, [schema])
        let (collections, documents, size) = try rows[0].decode((Int64, Int64, Int64).self)
        return TenantView(
            tier: tenant.tier, location: schema, schemaVersion: tenant.schemaVersion, collections: collections,
            documents: documents, sizeBytes: size, move: try await moveView(projectID: projectID))
    }

    /// The tenant's current or last move.
    func moveView(projectID: String) async throws -> TenantMoveView? {
        let rows = try await pool.query("""
            SELECT move_state, move_tier, move_target_url, move_started_at, move_finished_at, move_pause_ms, move_error
            FROM \(catalog).tenants WHERE project_id = $1 AND move_state IS NOT NULL
            """, [projectID])
        return try rows.first.map { row in
            let (state, tier, url, started, finished, pause, error) = try row.decode(
                (String, String, String?, Date, Date?, Int?, String?).self)
            let target = try url.map { try PostgresConfiguration(url: $0).redactedTarget }
            return TenantMoveView(
                state: state, tier: tier, target: target, startedAt: started, finishedAt: finished, pauseMilliseconds: pause, error: error)
        }
    }
}
