import Foundation
import ServiceKit

/// The `projects` table.
struct ProjectStore: Sendable {
    /// The pool.
    let database: PostgresPool
    /// The schema holding the tables.
    let schema: String

    /// Inserts `project` with its first keys, in one transaction.
    func create(_ project: Project, keys: [KeyRecord]) async throws {
        try await database.withTransaction { tx in
            try await tx.execute(
                "INSERT INTO \(schema).projects (id, name, created_at) VALUES ($1, $2, $3)",
                [project.id, project.name, project.createdAt])
            for key in keys { try await KeyStore.insert(key, replaces: nil, on: tx, schema: schema) }
        }
    }

    /// Projects in creation order after `cursor` (a project id), at most `limit`.
    func list(after cursor: String?, limit: Int) async throws -> [Project] {
        let rows = try await database.query(
            """
            SELECT id, name, created_at, rate_limit_per_second, rate_limit_burst FROM \(schema).projects
            WHERE $1::text IS NULL OR (created_at, id) > (SELECT created_at, id FROM \(schema).projects WHERE id = $1)
            ORDER BY created_at, id LIMIT $2
            """, [cursor, limit])
        return try rows.map(Self.project)
    }

    /// Every project (for the rate-limit table).
    func all() async throws -> [Project] {
        try await database.query(
            "SELECT id, name, created_at, rate_limit_per_second, rate_limit_burst FROM \(schema).projects"
        ).map(Self.project)
    }

    /// Project `id`, or nil.
    func project(id: String) async throws -> Project? {
        try await database.query(
            "SELECT id, name, created_at, rate_limit_per_second, rate_limit_burst FROM \(schema).projects WHERE id = $1",
            [id]
        ).first.map(Self.project)
    }

    /// Sets the budget of project `id`; returns the updated project, or nil when there is none.
    func setRateLimit(id: String, _ limit: RateLimit) async throws -> Project? {
        try await database.query(
            """
            UPDATE \(schema).projects SET rate_limit_per_second = $2, rate_limit_burst = $3 WHERE id = $1
            RETURNING id, name, created_at, rate_limit_per_second, rate_limit_burst
            """, [id, Int(limit.perSecond.rounded()), limit.burst]
        ).first.map(Self.project)
    }

    private static func project(_ row: PostgresRow) throws -> Project {
        let perSecond = try row.decode(Int?.self, at: 3)
        let burst = try row.decode(Int?.self, at: 4)
        var limit: RateLimit?
        if let perSecond, let burst { limit = RateLimit(perSecond: Double(perSecond), burst: burst) }
        return Project(
            id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1),
            createdAt: try row.decode(Date.self, at: 2), rateLimit: limit)
    }
}
