import Contracts
import Foundation
import ServiceKit

extension VaultStore {
    private static let collectionColumns = """
        c.name, c.rules, c.indexes, c.created_at,
        (SELECT count(*) FROM %@.documents d WHERE d.collection = c.name)
        """

    private func columns(_ schema: String) -> String {
        Self.collectionColumns.replacingOccurrences(of: "%@", with: schema)
    }

    private static func collection(_ row: PostgresRow) throws -> CollectionView {
        let (name, rules, indexes, createdAt, count) = try row.decode(
            (String, PostgresJSON<CollectionRules>, PostgresJSON<[CollectionIndex]>, Date, Int64).self)
        return CollectionView(
            name: name, indexes: indexes.value, rules: rules.value, documentCount: count, createdAt: createdAt)
    }

    /// Creates a collection with its declared indexes recorded (and the project's schema on its first);
    /// nil when the name is taken; 403 `PLAN_LIMIT_REACHED` when the project has `maxCollections` already.
    /// The count and the insert run under a lock on the tenant, so concurrent creations never exceed it.
    func createCollection(
        projectID: String, name: String, rules: CollectionRules, indexes: [CollectionIndex] = [], maxCollections: Int = .max
    ) async throws -> CollectionView? {
        _ = try await tenants.ensure(projectID: projectID)
        return try await writing(projectID) { tx, schema in
            _ = try await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [schema])
            let count = try await tx.query("SELECT count(*) FROM \(schema).collections")[0].decode(Int64.self, at: 0)
            let rows = try await tx.query("""
                WITH c AS (INSERT INTO \(schema).collections (name, rules, indexes) VALUES ($1, $2::jsonb, $3::jsonb)
                           ON CONFLICT (name) DO NOTHING RETURNING *)
                SELECT c.name, c.rules, c.indexes, c.created_at, 0::bigint FROM c
                """, [name, PostgresJSON(rules), PostgresJSON(indexes)])
            guard let row = rows.first else { return nil }
            guard count < maxCollections else {
                throw PublicError(.planLimitReached, "A project may have at most \(maxCollections) collections.")
            }
            return try Self.collection(row)
        }
    }

    /// Records `indexes` as `name`'s declared indexes; `NOT_FOUND` when absent.
    func setIndexes(projectID: String, name: String, indexes: [CollectionIndex]) async throws {
        let updated = try await writing(projectID) { tx, schema in
            try await tx.execute("UPDATE \(schema).collections SET indexes = $2::jsonb WHERE name = $1", [name, PostgresJSON(indexes)])
        }
        guard updated == 1 else { throw Self.noCollection }
    }

    /// The project's collections by name (none before its first).
    func collections(projectID: String) async throws -> [CollectionView] {
        guard try await tenants.tenant(projectID: projectID) != nil else { return [] }
        let location = try await location(projectID)
        let rows = try await location.pool.query(
            "SELECT \(columns(location.schema)) FROM \(location.schema).collections c ORDER BY c.name COLLATE \"C\"", [])
        return try rows.map(Self.collection)
    }

    /// One collection; `NOT_FOUND` when the project has none of that name.
    func collection(projectID: String, name: String) async throws -> CollectionView {
        let location = try await location(projectID)
        let rows = try await location.pool.query(
            "SELECT \(columns(location.schema)) FROM \(location.schema).collections c WHERE c.name = $1", [name])
        guard let row = rows.first else { throw Self.noCollection }
        return try Self.collection(row)
    }

    /// Changes the operations `change` names (one statement: `rules || change`); `NOT_FOUND` when absent.
    func updateRules(projectID: String, name: String, change: CollectionRulesChange) async throws {
        let updated = try await writing(projectID) { tx, schema in
            try await tx.execute("UPDATE \(schema).collections SET rules = rules || $2::jsonb WHERE name = $1", [name, PostgresJSON(change)])
        }
        guard updated == 1 else { throw Self.noCollection }
    }

    /// Deletes a collection and its documents, then its indexes; `NOT_FOUND` when absent.
    func deleteCollection(projectID: String, name: String) async throws {
        let deleted = try await writing(projectID) { tx, schema in
            try await tx.execute("DELETE FROM \(schema).collections WHERE name = $1", [name])
        }
        guard deleted == 1 else { throw Self.noCollection }
        let location = try await location(projectID)
        try await dropIndexes(schema: location.schema, collection: name, in: location.pool)
    }

    /// A collection's rules, read in `client` (a transaction, or the pool); `NOT_FOUND` when absent.
    func rules(_ client: some PostgresClient, schema: String, collection: String) async throws -> CollectionRules {
        let rows = try await client.query("SELECT rules FROM \(schema).collections WHERE name = $1", [collection])
        guard let row = rows.first else { throw Self.noCollection }
        return try row.decode(PostgresJSON<CollectionRules>.self, at: 0).value
    }
}
