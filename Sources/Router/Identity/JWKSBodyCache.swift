import Contracts
import Foundation
import Synchronization

/// The `GET /v1/auth/jwks` body, rendered once per key set instead of per request. The route still asks
/// Identity on every request (so a rotation shows at once); only the JSON is reused, while Identity answers
/// with the same set and no key in it has retired since the body was rendered (a retired key leaves the
/// document, so the body is rendered again at the earliest retirement still ahead, or if the clock went back).
final class JWKSBodyCache: Sendable {
    private struct Entry {
        let set: SigningKeySet
        let body: [UInt8]
        let renderedAt: Date
        let validUntil: Date
    }

    private let entry = Mutex<Entry?>(nil)

    /// The serialized `{"keys":[…]}` of `set` at `now`: byte for byte `IdentityJSON.jwks(set, now:)`.
    func body(for set: SigningKeySet, now: Date) -> [UInt8] {
        let cached = self.entry.withLock { entry -> [UInt8]? in
            guard let entry, now >= entry.renderedAt, now < entry.validUntil, entry.set == set else { return nil }
            return entry.body
        }
        if let cached { return cached }
        let body = IdentityJSON.jwks(set, now: now).serializedBytes
        let validUntil = set.keys.compactMap(\.retiresAt).filter { $0 > now }.min() ?? .distantFuture
        self.entry.withLock { $0 = Entry(set: set, body: body, renderedAt: now, validUntil: validUntil) }
        return body
    }
}
