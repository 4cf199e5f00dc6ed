import Contracts
import Foundation
import ServiceKit

/// A project's sender domain as stored (the DKIM private key only sealed).
struct StoredDomain: Sendable, Hashable {
    /// `dom_…`.
    let id: String
    /// The lower-cased name.
    let name: String
    /// `pending`, `verified` or `failed`.
    let status: DomainStatus
    /// Why the last verification failed.
    let failure: String?
    /// The DKIM selector (`<selector>._domainkey.<name>`).
    let selector: String
    /// The DKIM public key, base64 DER `SubjectPublicKeyInfo`.
    let publicKey: String
    /// The private key sealed by ``DomainKeySealer``.
    let sealedKey: [UInt8]
    /// When it was added.
    let createdAt: Date
    /// When it was last verified successfully.
    let verifiedAt: Date?
}

extension CommsStore {
    /// Stores a new `pending` domain; nil if the project already has one of that name.
    func insertDomain(
        id: String, projectID: String, name: String, selector: String, publicKey: String, sealedKey: [UInt8]
    ) async throws -> StoredDomain? {
        let rows = try await pool.query("""
            INSERT INTO \(table("domains")) (id, project_id, name, dkim_selector, dkim_public_key, dkim_private_sealed)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, name) DO NOTHING
            RETURNING \(Self.domainColumns)
            """, [id, projectID, name, selector, publicKey, sealedKey])
        return try rows.first.map(Self.domain)
    }

    /// The project's domain with this id.
    func domain(id: String, projectID: String) async throws -> StoredDomain? {
        let rows = try await pool.query(
            "SELECT \(Self.domainColumns) FROM \(table("domains")) WHERE id = $1 AND project_id = $2", [id, projectID])
        return try rows.first.map(Self.domain)
    }

    /// The project's verified domain named `name` (lower-cased), if any: the sender policy's question.
    func verifiedDomain(named name: String, projectID: String) async throws -> StoredDomain? {
        let rows = try await pool.query("""
            SELECT \(Self.domainColumns) FROM \(table("domains"))
            WHERE name = $1 AND project_id = $2 AND status = 'verified'
            """, [name, projectID])
        return try rows.first.map(Self.domain)
    }

    /// Records a verification's outcome; nil if the domain is gone.
    func recordVerification(
        id: String, projectID: String, status: DomainStatus, failure: String?
    ) async throws -> StoredDomain? {
        let rows = try await pool.query("""
            UPDATE \(table("domains")) SET status = $3, failure = $4,
                verified_at = CASE WHEN $3 = 'verified' THEN clock_timestamp() ELSE verified_at END
            WHERE id = $1 AND project_id = $2 RETURNING \(Self.domainColumns)
            """, [id, projectID, status.rawValue, failure])
        return try rows.first.map(Self.domain)
    }

    /// Deletes the project's domain; false if there was none with this id.
    func deleteDomain(id: String, projectID: String) async throws -> Bool {
        let rows = try await pool.query(
            "DELETE FROM \(table("domains")) WHERE id = $1 AND project_id = $2 RETURNING id", [id, projectID])
        return !rows.isEmpty
    }

    /// A page of the project's domains, newest first, with their next cursor.
    func listDomains(projectID: String, page: PageQuery) async throws -> (domains: [StoredDomain], next: String?) {
        let cursor = try PageCursor.decode(page.cursor)
        let limit = PageCursor.limit(page)
        let rows = try await pool.query("""
            SELECT \(Self.domainColumns), \(CommsSQL.createdMicros) AS micros FROM \(table("domains"))
            WHERE project_id = $1 AND ($2::bigint IS NULL OR (created_at, id) < (\(CommsSQL.timestamp(micros: "$2")), $3))
            ORDER BY created_at DESC, id DESC LIMIT $4
            """, [projectID, cursor?.micros, cursor?.key, limit + 1])
        let domains = try rows.prefix(limit).map(Self.domain)
        let next = rows.count > limit
            ? PageCursor(micros: try rows[limit - 1].decode(Int64.self, named: "micros"), key: domains[limit - 1].id).encoded
            : nil
        return (domains, next)
    }

    private static let domainColumns =
        "id, name, status, failure, dkim_selector, dkim_public_key, dkim_private_sealed, created_at, verified_at"

    private static func domain(_ row: PostgresRow) throws -> StoredDomain {
        let (id, name, status, failure, selector, publicKey, sealed, createdAt, verifiedAt) =
            try row.decode((String, String, String, String?, String, String, [UInt8], Date, Date?).self)
        return StoredDomain(
            id: id, name: name, status: DomainStatus(rawValue: status) ?? .pending, failure: failure,
            selector: selector, publicKey: publicKey, sealedKey: sealed, createdAt: createdAt, verifiedAt: verifiedAt)
    }
}
