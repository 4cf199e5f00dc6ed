import Contracts
import ServiceKit

extension VaultStore {
    /// Removes `projectID`'s vault — its schema (collections, documents, indexes) wherever it lives and its
    /// catalog row — in one catalog transaction (onboarding's undo); nothing to do when it has none. The row
    /// is deleted first, so a concurrent ``TenantCatalog/ensure(projectID:)`` waits on it and then makes a new,
    /// empty vault. A tenant being moved is `CONFLICT` (its copy is the move's to finish or roll back).
    func closeTenant(projectID: String) async throws {
        try await pool.withTransaction { tx in
            let rows = try await tx.query(
                "DELETE FROM \(catalog).tenants WHERE project_id = $1 RETURNING location, database_url, move_state",
                [projectID])
            guard let row = rows.first else { return }
            let (location, url, move) = try row.decode((String, String?, String?).self)
            guard move != "copying" else {
                throw PublicError.conflict("The project's vault is being moved; try again when the move is done.")
            }
            // `location` was made by `TenantCatalog.schemaName`, never from caller text.
            if let url {
                try await pools.pool(for: url).execute("DROP SCHEMA IF EXISTS \(location) CASCADE")
            } else {
                try await tx.execute("DROP SCHEMA IF EXISTS \(location) CASCADE")
            }
        }
    }
}
