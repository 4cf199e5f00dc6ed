import Foundation
import ServiceKit

/// Owners of projects (`project_members`): who signed up for a project through onboarding. Kept in the
/// Router's project store beside the projects and keys it describes, so `GET /v1/console/projects` is one
/// local query and removing a project removes its members with it.
extension ProjectStore {
    /// One of a user's projects.
    struct Membership: Sendable {
        let project: Project
        let role: String
        let since: Date
    }

    /// Inserts an onboarded project, its keys, its owner and its billing email in one transaction with `also`
    /// (the saga's own row update); nothing when the project exists already (a resumed saga). Returns whether
    /// it was inserted.
    func createOwned(
        _ project: Project, keys: [KeyRecord], ownerID: String, billingEmail: String,
        also: @Sendable (PostgresTransaction) async throws -> Void
    ) async throws -> Bool {
        try await database.withTransaction { tx in
            let inserted = try await tx.query("""
                INSERT INTO \(schema).projects (id, name, created_at, billing_email) VALUES ($1, $2, $3, $4)
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, [project.id, project.name, project.createdAt, billingEmail])
            guard !inserted.isEmpty else { return false }
            for key in keys { try await KeyStore.insert(key, replaces: nil, on: tx, schema: schema) }
            try await tx.execute("""
                INSERT INTO \(schema).project_members (project_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)
                """, [project.id, ownerID, project.createdAt])
            try await also(tx)
            return true
        }
    }

    /// Deletes project `id` with its keys and members (onboarding's undo); returns the ids of the deleted keys.
    func deleteOwned(id: String) async throws -> [String] {
        try await database.withTransaction { tx in
            let keys = try await tx.query("DELETE FROM \(schema).api_keys WHERE project_id = $1 RETURNING id", [id])
            try await tx.execute("DELETE FROM \(schema).projects WHERE id = $1", [id])
            return try keys.map { try $0.decode(String.self, at: 0) }
        }
    }

    /// `userID`'s projects in the order they were joined, after the project `cursor`, at most `limit`.
    func memberships(userID: String, after cursor: String?, limit: Int) async throws -> [Membership] {
        let rows = try await database.query("""
            SELECT p.id, p.name, p.created_at, m.role, m.created_at FROM \(schema).project_members m
            JOIN \(schema).projects p ON p.id = m.project_id
            WHERE m.user_id = $1 AND ($2::text IS NULL OR (m.created_at, m.project_id) >
                (SELECT created_at, project_id FROM \(schema).project_members WHERE user_id = $1 AND project_id = $2))
            ORDER BY m.created_at, m.project_id LIMIT $3
            """, [userID, cursor, limit])
        return try rows.map { row in
            Membership(
                project: Project(
                    id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1),
                    createdAt: try row.decode(Date.self, at: 2)),
                role: try row.decode(String.self, at: 3), since: try row.decode(Date.self, at: 4))
        }
    }
}
