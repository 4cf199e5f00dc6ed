import Contracts
import Foundation
import ServiceKit

/// The project's sender domains (`comms.*Domain*`): adds one with new DKIM keys (RSA 2048 and Ed25519, sealed
/// at rest),
/// lists, shows, verifies against DNS and deletes them. Every call is scoped by the project; another project's
/// ids are `NOT_FOUND`.
struct SenderDomains: Sendable {
    /// The tables.
    let store: CommsStore
    /// Seals the DKIM keys.
    let sealer: DomainKeySealer
    /// The records to publish.
    let records: DomainRecords
    /// Checks them in DNS.
    let verifier: DomainVerifier
    /// The platform's own domains (message ids, its sender), which no project may add.
    let platformDomains: [String]

    /// The DKIM key size.
    static let keyBits = 2048

    /// `comms.CreateDomain`.
    func create(_ request: CreateDomainRequest, projectID: String) async throws -> DomainView {
        let name = try SenderDomainName.validate(request.name, platform: platformDomains)
        let id = ResourceID.make("dom_")
        let key = try RSAPrivateKey(bits: Self.keyBits)
        let ed25519 = Ed25519PrivateKey()
        let selector = Self.newSelector()
        let keys = DomainKeys(
            selector: selector + "r", publicKey: Data(key.publicKeyDER).base64EncodedString(),
            sealedKey: try sealer.seal(key, projectID: projectID, domainID: id), ed25519Selector: selector + "e",
            ed25519PublicKey: Data(ed25519.publicKey.rawRepresentation).base64EncodedString(),
            ed25519SealedKey: try sealer.seal(ed25519, projectID: projectID, domainID: id))
        guard let stored = try await store.insertDomain(id: id, name: name, keys: keys, projectID: projectID)
        else { throw PublicError.conflict("The project already has this domain.", field: "name") }
        return view(stored)
    }

    /// `comms.ListDomains`.
    func list(_ page: PageQuery, projectID: String) async throws -> Page<DomainView> {
        let (domains, next) = try await store.listDomains(projectID: projectID, page: page)
        return Page(data: domains.map(view), nextCursor: next)
    }

    /// `comms.GetDomain`.
    func get(_ request: DomainIDRequest, projectID: String) async throws -> DomainView {
        view(try await stored(request.id, projectID: projectID))
    }

    /// `comms.VerifyDomain`: looks the records up and stores the outcome (again and again if need be).
    func verify(_ request: DomainIDRequest, projectID: String) async throws -> DomainView {
        let domain = try await stored(request.id, projectID: projectID)
        let outcome = await verifier.verify(domain)
        guard let updated = try await store.recordVerification(
            id: domain.id, projectID: projectID, status: outcome.status, failure: outcome.failure)
        else { throw Self.notFound }
        return view(updated)
    }

    /// `comms.DeleteDomain`.
    func delete(_ request: DomainIDRequest, projectID: String) async throws -> Empty {
        guard ResourceID.isWellFormed(request.id, prefix: "dom_"),
              try await store.deleteDomain(id: request.id, projectID: projectID)
        else { throw Self.notFound }
        return Empty()
    }

    private func stored(_ id: String, projectID: String) async throws -> StoredDomain {
        guard ResourceID.isWellFormed(id, prefix: "dom_"), let domain = try await store.domain(id: id, projectID: projectID)
        else { throw Self.notFound }
        return domain
    }

    private func view(_ domain: StoredDomain) -> DomainView {
        DomainView(
            id: domain.id, name: domain.name, status: domain.status.rawValue, failure: domain.failure,
            records: records.records(of: domain), createdAt: domain.createdAt, verifiedAt: domain.verifiedAt)
    }

    /// `pp` and 8 random base32 characters, new per domain (so a later rotation can publish other keys beside
    /// these); the RSA selector adds `r`, the Ed25519 one `e`.
    private static func newSelector() -> String { "pp" + ResourceID.make("").prefix(8) }

    private static let notFound = PublicError.notFound("The domain does not exist.")
}
