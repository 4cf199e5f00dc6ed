import Foundation
import Wire

/// `comms.CreateDomain`'s request: a sender domain to add to the project.
public struct CreateDomainRequest: Codable, Sendable, Hashable {
    /// The domain name, e.g. `mail.example.com` (checked and lower-cased by CommsService).
    public var name: String

    /// Creates a request.
    public init(name: String) { self.name = name }
}

/// Names one sender domain (`dom_…`).
public struct DomainIDRequest: Codable, Sendable, Hashable {
    /// The domain id.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// A sender domain's state: `pending` until verified, `verified` when its SPF and DKIM records match,
/// `failed` (with ``DomainView/failure``) when a verification found a record missing or different.
public enum DomainStatus: String, CaseIterable, Codable, Sendable, Hashable {
    case pending, verified, failed
}

/// What a DNS record a project publishes is for.
public enum DomainRecordPurpose: String, CaseIterable, Codable, Sendable, Hashable {
    case spf, dkim, dmarc
    case returnPath = "return_path"
}

/// One DNS record the project publishes for a sender domain.
public struct DomainRecordView: Codable, Sendable, Hashable {
    /// `TXT`, `CNAME` or `MX`.
    public var type: String
    /// The record's owner name, e.g. `pp1._domainkey.mail.example.com`.
    public var name: String
    /// The value to publish.
    public var value: String
    /// `spf`, `dkim`, `dmarc` or `return_path` (``DomainRecordPurpose``'s raw values).
    public var purpose: String

    /// Creates a record.
    public init(type: String, name: String, value: String, purpose: String) {
        self.type = type
        self.name = name
        self.value = value
        self.purpose = purpose
    }
}

/// A sender domain as shown.
public struct DomainView: Codable, Sendable, Hashable {
    /// `dom_…`.
    public var id: String
    /// The lower-cased domain name.
    public var name: String
    /// `pending`, `verified` or `failed` (``DomainStatus``'s raw values).
    public var status: String
    /// When `failed`: the record that did not match and why, e.g. `dkim: no TXT record at pp…r._domainkey.…`.
    public var failure: String?
    /// The records to publish.
    public var records: [DomainRecordView]
    /// When it was added.
    public var createdAt: Date
    /// When it was last verified successfully.
    public var verifiedAt: Date?

    /// Creates a view.
    public init(
        id: String, name: String, status: String, failure: String?, records: [DomainRecordView], createdAt: Date,
        verifiedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.failure = failure
        self.records = records
        self.createdAt = createdAt
        self.verifiedAt = verifiedAt
    }
}

extension CreateDomainRequest {
    /// The longest domain name, in octets (RFC 1035).
    public static let maxNameLength = 253
}

extension CommsContract.Client {
    /// Calls `comms.CreateDomain`.
    public func createDomain(_ request: CreateDomainRequest, _ context: CallContext) async throws -> DomainView {
        try await client.call(CommsContract.createDomain, request, context)
    }
    /// Calls `comms.ListDomains`.
    public func listDomains(_ request: PageQuery, _ context: CallContext) async throws -> Page<DomainView> {
        try await client.call(CommsContract.listDomains, request, context)
    }
    /// Calls `comms.GetDomain`.
    public func getDomain(_ request: DomainIDRequest, _ context: CallContext) async throws -> DomainView {
        try await client.call(CommsContract.getDomain, request, context)
    }
    /// Calls `comms.VerifyDomain`.
    public func verifyDomain(_ request: DomainIDRequest, _ context: CallContext) async throws -> DomainView {
        try await client.call(CommsContract.verifyDomain, request, context)
    }
    /// Calls `comms.DeleteDomain`.
    public func deleteDomain(_ request: DomainIDRequest, _ context: CallContext) async throws {
        _ = try await client.call(CommsContract.deleteDomain, request, context)
    }
}
