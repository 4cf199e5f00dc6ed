import Contracts
import Foundation
import ServiceKit

/// A project's sender domain as stored (the DKIM private keys only sealed).
struct StoredDomain: Sendable, Hashable {
    /// `dom_…`.
    let id: String
    /// The lower-cased name.
    let name: String
    /// `pending`, `verified` or `failed`.
    let status: DomainStatus
    /// Why the last verification failed.
    let failure: String?
    /// Its DKIM keys.
    let keys: DomainKeys
    /// When it was added.
    let createdAt: Date
    /// When it was last verified successfully.
    let verifiedAt: Date?
}

/// A sender domain's two DKIM keys: selectors, public keys, private keys sealed by ``DomainKeySealer``.
struct DomainKeys: Sendable, Hashable {
    /// The RSA key's selector (`<selector>._domainkey.<name>`).
    let selector: String
    /// The RSA public key, base64 DER `SubjectPublicKeyInfo`.
    let publicKey: String
    /// The sealed RSA private key.
    let sealedKey: [UInt8]
    /// The Ed25519 key's selector (RFC 8463).
    let ed25519Selector: String
    /// The Ed25519 public key, base64 of its 32 bytes.
    let ed25519PublicKey: String
    /// The sealed Ed25519 seed.
    let ed25519SealedKey: [UInt8]
}

extension CommsStore {
    /// Stores a new `pending` domain; nil if the project already has one of that name.
    func insertDomain(id: String, name: String, keys: DomainKeys, projectID: String) async throws -> StoredDomain? {
        let rows = try await pool.query("""
            INSERT INTO \(table("domains")) (id, project_id, name, dkim_selector, dkim_public_key, dkim_private_sealed,
                dkim_ed25519_selector, dkim_ed25519_public_key, dkim_ed25519_sealed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (project_id, name) DO NOTHING
            RETURNING \(Self.domainColumns)
            """, [id, projectID, name, keys.selector, keys.publicKey, keys.sealedKey, keys.ed25519Selector,
                  keys.ed25519PublicKey, keys.ed25519SealedKey])
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
        let (domains, next) = try await newestFirst(
            "domains", columns: Self.domainColumns, projectID: projectID, page: page, decode: Self.domain, id: \.id)
        return (domains, next)
    }

    private static let domainColumns = """
        id, name, status, failure, dkim_selector, dkim_public_key, dkim_private_sealed, dkim_ed25519_selector,
        dkim_ed25519_public_key, dkim_ed25519_sealed, created_at, verified_at
        """

    private static func domain(_ row: PostgresRow) throws -> StoredDomain {
        let (id, name, status, failure, selector, publicKey, sealed, edSelector, edPublicKey, edSealed, createdAt, verifiedAt) =
            try row.decode((String, String, String, String?, String, String, [UInt8], String, String, [UInt8], Date, Date?).self)
        return StoredDomain(
            id: id, name: name, status: DomainStatus(rawValue: status) ?? .pending, failure: failure,
            keys: DomainKeys(
                selector: selector, publicKey: publicKey, sealedKey: sealed, ed25519Selector: edSelector,
                ed25519PublicKey: edPublicKey, ed25519SealedKey: edSealed),
            createdAt: createdAt, verifiedAt: verifiedAt)
    }
}
