import Contracts
import Foundation
import Testing
@testable import Router

@Suite("The jwks body cache")
struct JWKSBodyCacheTests {
    static let now = Date(timeIntervalSince1970: 1_765_000_000)
    static func key(_ kid: String, retiresAt: Date?) -> PublicSigningKey {
        PublicSigningKey(kid: kid, algorithm: "EdDSA", publicKey: Array(repeating: UInt8(kid.utf8.count), count: 32),
                         retiresAt: retiresAt)
    }
    static let set = SigningKeySet(issuer: "iss", keys: [
        key("current", retiresAt: nil), key("old", retiresAt: now + 60), key("older", retiresAt: now + 120),
    ])

    @Test("the body is IdentityJSON's, again after a key retires, a clock step back and a new set")
    func sameAsRendered() {
        let cache = JWKSBodyCache()
        let times = [Self.now, Self.now + 1, Self.now + 59.999, Self.now + 60, Self.now + 61, Self.now + 30,
                     Self.now + 120, Self.now + 500]
        for time in times {
            #expect(cache.body(for: Self.set, now: time) == IdentityJSON.jwks(Self.set, now: time).serializedBytes)
        }
        #expect(cache.body(for: Self.set, now: Self.now + 60).count < cache.body(for: Self.set, now: Self.now).count)
        let rotated = SigningKeySet(issuer: "iss", keys: [Self.key("new", retiresAt: nil)] + Self.set.keys)
        #expect(cache.body(for: rotated, now: Self.now) == IdentityJSON.jwks(rotated, now: Self.now).serializedBytes)
        #expect(cache.body(for: Self.set, now: Self.now) == IdentityJSON.jwks(Self.set, now: Self.now).serializedBytes)
    }
}
