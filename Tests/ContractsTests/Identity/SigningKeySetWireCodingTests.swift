import Contracts
import Foundation
import Testing
import Wire

/// `T`'s own `Codable` through the generic coder (not ``BinarySelfCodable``), for comparing bytes.
private struct GenericallyCoded<T: Codable>: Codable {
    var value: T
    init(_ value: T) { self.value = value }
    init(from decoder: any Decoder) throws { self.value = try T(from: decoder) }
    func encode(to encoder: any Encoder) throws { try self.value.encode(to: encoder) }
}

@Suite("Identity contract bodies that code themselves")
struct SigningKeySetWireCodingTests {
    static let sets = [
        SigningKeySet(issuer: "https://auth.example.com", keys: []),
        SigningKeySet(issuer: "iss", keys: [
            PublicSigningKey(kid: "k2", algorithm: "EdDSA", publicKey: Array(0..<32), retiresAt: nil),
            PublicSigningKey(kid: "k1", algorithm: "EdDSA", publicKey: Array(32..<64),
                             retiresAt: Date(timeIntervalSince1970: 1_765_000_000.123456)),
        ]),
    ]

    @Test("SigningKeySet and Empty: the generic coder's bytes, and each path reads the other's")
    func sameBytes() throws {
        for set in Self.sets {
            let fast = try BinaryEncoder().encode(set)
            #expect(fast == (try BinaryEncoder().encode(GenericallyCoded(set))))
            #expect(try BinaryDecoder().decode(SigningKeySet.self, from: fast) == set)
            #expect(try BinaryDecoder().decode(GenericallyCoded<SigningKeySet>.self, from: fast).value == set)
        }
        #expect(try BinaryEncoder().encode(Empty()) == [0x09, 0, 0, 0, 0])
        #expect(try BinaryDecoder().decode(Empty.self, from: [0x09, 0, 0, 0, 0]) == Empty())
    }

    @Test("an explicit nil, an unknown field or a missing field decode as the generic decoder does")
    func fallbacks() throws {
        struct Key: Codable { var kid = "k"; var algorithm = "EdDSA"; var publicKey: [UInt8] = [1]; var retiresAt: Date? = nil; var extra: Int? = 1
            enum CodingKeys: CodingKey { case kid, algorithm, publicKey, retiresAt, extra }
            func encode(to encoder: any Encoder) throws {
                var keyed = encoder.container(keyedBy: CodingKeys.self)
                try keyed.encode(kid, forKey: .kid); try keyed.encode(algorithm, forKey: .algorithm)
                try keyed.encode(publicKey, forKey: .publicKey); try keyed.encodeNil(forKey: .retiresAt)
                try keyed.encodeIfPresent(extra, forKey: .extra)
            }
        }
        struct Set: Codable { var issuer = "i"; var keys: [Key] }
        let expected = SigningKeySet(issuer: "i", keys: [PublicSigningKey(kid: "k", algorithm: "EdDSA", publicKey: [1], retiresAt: nil)])
        #expect(try BinaryDecoder().decode(SigningKeySet.self, from: BinaryEncoder().encode(Set(keys: [Key(extra: nil)]))) == expected)
        #expect(try BinaryDecoder().decode(SigningKeySet.self, from: BinaryEncoder().encode(Set(keys: [Key()]))) == expected)
        struct NoKeys: Codable { var issuer = "i" }
        #expect(throws: BinaryCodingError.self) { try BinaryDecoder().decode(SigningKeySet.self, from: BinaryEncoder().encode(NoKeys())) }
        struct Newer: Codable { var note = "x" }
        #expect(try BinaryDecoder().decode(Empty.self, from: BinaryEncoder().encode(Newer())) == Empty())
    }
}
