import Contracts
import Foundation
import ServiceKit
import Wire

/// A project's stored template.
struct StoredTemplate: Sendable, Hashable {
    /// `tpl_…`.
    let id: String
    /// The unique name in the project.
    let name: String
    /// The subject (with placeholders).
    let subject: String
    /// The plain-text part.
    let text: String?
    /// The HTML part.
    let html: String?
    /// When it was created.
    let createdAt: Date
}

extension CommsStore {
    /// Stores a template; nil if the project already has one named `name`.
    func insertTemplate(
        id: String, projectID: String, name: String, subject: String, text: String?, html: String?
    ) async throws -> StoredTemplate? {
        let rows = try await pool.query("""
            INSERT INTO \(table("templates")) (id, project_id, name, subject, text, html)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, name) DO NOTHING
            RETURNING \(Self.templateColumns)
            """, [id, projectID, name, subject, text, html])
        return try rows.first.map(Self.template)
    }

    /// The project's template with this id.
    func template(id: String, projectID: String) async throws -> StoredTemplate? {
        let rows = try await pool.query(
            "SELECT \(Self.templateColumns) FROM \(table("templates")) WHERE id = $1 AND project_id = $2", [id, projectID])
        return try rows.first.map(Self.template)
    }

    /// The project's template with this name.
    func template(named name: String, projectID: String) async throws -> StoredTemplate? {
        let rows = try await pool.query(
            "SELECT \(Self.templateColumns) FROM \(table("templates")) WHERE name = $1 AND project_id = $2",
            [name, projectID])
        return try rows.first.map(Self.template)
    }

    /// A page of the project's templates, newest first, with their next cursor.
    func listTemplates(projectID: String, page: PageQuery) async throws -> (templates: [StoredTemplate], next: String?) {
        let (templates, next) = try await newestFirst(
            "templates", columns: Self.templateColumns, projectID: projectID, page: page, decode: Self.template, id: \.id)
        return (templates, next)
    }

    private static let templateColumns = "id, name, subject, text, html, created_at"

    private static func template(_ row: PostgresRow) throws -> StoredTemplate {
        let (id, name, subject, text, html, createdAt) = try row.decode((String, String, String, String?, String?, Date).self)
        return StoredTemplate(id: id, name: name, subject: subject, text: text, html: html, createdAt: createdAt)
    }
}
