import Foundation
import ServiceKit

/// The `projects` table.
struct ProjectStore: Sendable {
    /// The pool.
    let database: PostgresPool
    /// The schema holding the tables.
    let schema: String

    /// What `PATCH /v1/admin/projects/{id}` changes (nil: unchanged).
    struct Changes: Sendable {
        /// The secret keys' budget.
        var rateLimit: RateLimit?
        /// The publishable keys' budget.
        var publishableRateLimit: RateLimit?
        /// Where billing alerts go.
        var billingEmail: String?
    }

    private var columns: String {
        """
        id, name, created_at, rate_limit_per_second, rate_limit_burst, publishable_rate_limit_per_second,
        publishable_rate_limit_burst, billing_email
        """
    }

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
            SELECT \(columns) FROM \(schema).projects
            WHERE $1::text IS NULL OR (created_at, id) > (SELECT created_at, id FROM \(schema).projects WHERE id = $1)
            ORDER BY created_at, id LIMIT $2
            """, [cursor, limit])
        return try rows.map(Self.project)
    }

    /// Every project (for the rate-limit table).
    func all() async throws -> [Project] {
        try await database.query("SELECT \(columns) FROM \(schema).projects").map(Self.project)
    }

    /// Project `id`, or nil.
    func project(id: String) async throws -> Project? {
        try await database.query("SELECT \(columns) FROM \(schema).projects WHERE id = $1", [id]).first.map(Self.project)
    }

    /// Applies `changes` to project `id` (members left nil stay as they are); returns the updated project, or
    /// nil when there is none.
    func update(id: String, _ changes: Changes) async throws -> Project? {
        try await database.query(
            """
            UPDATE \(schema).projects SET
              rate_limit_per_second = coalesce($2, rate_limit_per_second), rate_limit_burst = coalesce($3, rate_limit_burst),
              publishable_rate_limit_per_second = coalesce($4, publishable_rate_limit_per_second),
              publishable_rate_limit_burst = coalesce($5, publishable_rate_limit_burst),
              billing_email = coalesce($6, billing_email)
            WHERE id = $1 RETURNING \(columns)
            """,
            [id, changes.rateLimit.map { Int($0.perSecond.rounded()) }, changes.rateLimit?.burst,
             changes.publishableRateLimit.map { Int($0.perSecond.rounded()) }, changes.publishableRateLimit?.burst,
             changes.billingEmail]
        ).first.map(Self.project)
    }

    private static func project(_ row: PostgresRow) throws -> Project {
        func limit(_ rate: Int, _ burst: Int) throws -> RateLimit? {
            guard let perSecond = try row.decode(Int?.self, at: rate), let burst = try row.decode(Int?.self, at: burst)
            else { return nil }
            return RateLimit(perSecond: Double(perSecond), burst: burst)
        }
        return Project(
            id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1),
            createdAt: try row.decode(Date.self, at: 2), rateLimit: try limit(3, 4),
            publishableRateLimit: try limit(5, 6), billingEmail: try row.decode(String?.self, at: 7))
    }
}
