import Contracts
import Foundation
import ServiceKit

/// A send request that may carry an idempotency key.
protocol IdempotentRequest: Encodable {
    /// The client's key; excluded from the request's hash.
    var idempotencyKey: String? { get set }
    /// The request without what may differ between two tries of the same request (the credit guard's
    /// reservation is new on each try).
    var hashed: Self { get }
}

extension IdempotentRequest {
    var hashed: Self { self }
}

extension SendEmailRequest: IdempotentRequest {
    var hashed: SendEmailRequest {
        var request = self
        request.reservationID = nil
        return request
    }
}
extension SendTemplatedEmailRequest: IdempotentRequest {}

/// The contract's idempotency for sends, kept by Comms as well as by the Router (Identity calls Comms
/// directly): a key is stored with the SHA-256 of the request (a canonical encoding — sorted JSON keys,
/// the method's name first — without the key itself) and holds for ``window`` after its first use. The same
/// key with the same request returns the first message; with another request it is 422
/// `IDEMPOTENCY_KEY_REUSED`; after the window the key starts a new message.
///
/// Keys stored before hashes were (`request_hash` NULL) match any request until their window ends: Comms
/// cannot know what they were sent with, and a client retrying across the upgrade must not get an error.
///
/// ```swift
/// let idempotency = try IdempotencyCheck(request, method: "comms.SendEmail")
/// if let first = try await idempotency?.replay(from: store, projectID: project) { return first }
/// ```
struct IdempotencyCheck: Sendable, Hashable {
    /// How long a key holds (the contract's 24 h); `CommsStore` states it in SQL as `interval '24 hours'`.
    static let window: Duration = .seconds(24 * 3600)

    /// The client's key (1–255 bytes).
    let key: String
    /// Hex SHA-256 of the canonical request.
    let requestHash: String

    /// The check for `request`, or nil when it has no key; a key that is empty or longer than 255 bytes is
    /// 400 `idempotency_key`.
    init?(_ request: some IdempotentRequest, method: String) throws(PublicError) {
        guard let key = request.idempotencyKey else { return nil }
        guard !key.isEmpty, key.utf8.count <= 255 else {
            throw PublicError.validation("idempotency_key", "The idempotency key must be 1 to 255 characters.")
        }
        self.key = key
        self.requestHash = Self.hash(request, method: method)
    }

    /// The first message sent with this key within the window, if the request matches it; another request
    /// is `IDEMPOTENCY_KEY_REUSED`.
    func replay(from store: CommsStore, projectID: String) async throws -> SendEmailResponse? {
        guard let stored = try await store.message(idempotencyKey: key, projectID: projectID) else { return nil }
        try verify(storedHash: stored.requestHash)
        return stored.response
    }

    /// Throws `IDEMPOTENCY_KEY_REUSED` unless `storedHash` is this request's (or unknown: a key from before
    /// hashes were stored).
    func verify(storedHash: String?) throws(PublicError) {
        guard let storedHash, storedHash != requestHash else { return }
        throw PublicError(.idempotencyKeyReused, "This idempotency key was used with a different request.")
    }

    /// `method` + newline + the request as JSON with sorted keys and no key, hashed.
    static func hash(_ request: some IdempotentRequest, method: String) -> String {
        var request = request.hashed
        request.idempotencyKey = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let json = (try? encoder.encode(request)).map(Array.init) ?? []
        let digest = SHA256.hash(Array((method + "\n").utf8) + json)
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
