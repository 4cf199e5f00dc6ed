import Foundation
import ServiceKit

/// The `api_keys` table, and the `NOTIFY` that tells every replica a key changed (payload: the key id).
struct KeyStore: Sendable {
    /// The pool.
    let database: PostgresPool
    /// The schema holding the tables.
    let schema: String

    /// The notification channel for key changes in `schema`.
    static func channel(schema: String) -> String { "\(schema)_api_keys" }
    /// The notification channel for project (rate-limit) changes in `schema`.
    static func projectChannel(schema: String) -> String { "\(schema)_projects" }

    /// One key as listed (never the hash).
    struct Listed: Sendable {
        /// The record.
        let record: KeyRecord
        /// When it was last used (flushed every few seconds).
        let lastUsedAt: Date?

        /// The contract's JSON form.
        var json: JSONValue {
            [
                "id": .string(record.id), "kind": .string(record.kind.rawValue), "prefix": .string(record.prefix),
                "created_at": .date(record.createdAt), "last_used_at": .date(lastUsedAt),
                "expires_at": .date(record.expiresAt), "revoked_at": .date(record.revokedAt),
            ]
        }
    }

    private var columns: String { "id, project_id, kind, hash, created_at, expires_at, revoked_at, last_used_at" }

    /// Every key (the full reload).
    func all() async throws -> [KeyRecord] {
        try await database.query("SELECT \(columns) FROM \(schema).api_keys").map { try Self.listed($0).record }
    }

    /// Key `id`, or nil.
    func key(id: String) async throws -> KeyRecord? {
        try await database.query("SELECT \(columns) FROM \(schema).api_keys WHERE id = $1", [id])
            .first.map { try Self.listed($0).record }
    }

    /// The keys of `projectID` in creation order after key `cursor`, at most `limit`.
    func list(projectID: String, after cursor: String?, limit: Int) async throws -> [Listed] {
        try await database.query(
            """
            SELECT \(columns) FROM \(schema).api_keys WHERE project_id = $1 AND ($2::text IS NULL OR
              (created_at, id) > (SELECT created_at, id FROM \(schema).api_keys WHERE id = $2 AND project_id = $1))
            ORDER BY created_at, id LIMIT $3
            """, [projectID, cursor, limit]
        ).map(Self.listed)
    }

    /// Inserts a new key and notifies the replicas.
    func insert(_ record: KeyRecord) async throws {
        try await database.withTransaction { tx in
            try await Self.insert(record, replaces: nil, on: tx, schema: schema)
            try await tx.notify(channel: Self.channel(schema: schema), payload: record.id)
        }
    }

    /// Stores a rotation (new key, old key's expiry) and notifies the replicas.
    func save(_ rotation: KeyRotation) async throws {
        try await database.withTransaction { tx in
            try await Self.insert(rotation.replacementRecord, replaces: rotation.replaces, on: tx, schema: schema)
            try await tx.execute(
                "UPDATE \(schema).api_keys SET expires_at = $2 WHERE id = $1",
                [rotation.retiredRecord.id, rotation.retiredRecord.expiresAt])
            try await tx.notify(channel: Self.channel(schema: schema), payload: rotation.replacementRecord.id)
            try await tx.notify(channel: Self.channel(schema: schema), payload: rotation.retiredRecord.id)
        }
    }

    /// Revokes key `id` of `projectID` at `time`; false when the project has no such unrevoked key.
    func revoke(id: String, projectID: String, at time: Date) async throws -> Bool {
        try await database.withTransaction { tx in
            let changed = try await tx.execute(
                "UPDATE \(schema).api_keys SET revoked_at = $3 WHERE id = $1 AND project_id = $2 AND revoked_at IS NULL",
                [id, projectID, time])
            if changed > 0 { try await tx.notify(channel: Self.channel(schema: schema), payload: id) }
            return changed > 0
        }
    }

    /// Writes a batch of last uses (key id → time), keeping later times already stored.
    func updateLastUsed(_ batch: [String: Date]) async throws {
        for (id, time) in batch {
            try await database.execute(
                "UPDATE \(schema).api_keys SET last_used_at = GREATEST(last_used_at, $2) WHERE id = $1", [id, time])
        }
    }

    /// Inserts `record` on `client` (inside the caller's transaction).
    static func insert(_ record: KeyRecord, replaces: String?, on client: some PostgresClient, schema: String) async throws {
        try await client.execute(
            """
            INSERT INTO \(schema).api_keys (id, project_id, kind, prefix, hash, created_at, expires_at, replaces)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [record.id, record.projectID, record.kind.rawValue, record.prefix, record.hash, record.createdAt,
             record.expiresAt, replaces])
    }

    private static func listed(_ row: PostgresRow) throws -> Listed {
        let kindText = try row.decode(String.self, at: 2)
        let record = KeyRecord(
            id: try row.decode(String.self, at: 0), projectID: try row.decode(String.self, at: 1),
            kind: APIKey.Kind(rawValue: kindText) ?? .publishable, hash: try row.decode([UInt8].self, at: 3),
            createdAt: try row.decode(Date.self, at: 4), expiresAt: try row.decode(Date?.self, at: 5),
            revokedAt: try row.decode(Date?.self, at: 6))
        return Listed(record: record, lastUsedAt: try row.decode(Date?.self, at: 7))
    }
}
