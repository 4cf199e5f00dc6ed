import Foundation
import Testing
@testable import Wire

@Suite("Binary coder schema evolution")
struct BinaryCodingEvolutionTests {
    struct UserV1: Codable, Equatable {
        var id: Int
        var name: String
    }

    struct Address: Codable, Equatable { var city: String; var zip: String }

    struct UserV2: Codable, Equatable {
        var id: Int
        var name: String
        var email: String?
        var address: Address?
        var tags: [String]?
        var scores: [String: [Int]]?
    }

    @Test func newerReaderGetsNilForFieldsAnOlderWriterDidNotKnow() throws {
        let v1 = UserV1(id: 1, name: "Ada")
        let decoded = try BinaryDecoder().decode(UserV2.self, from: BinaryEncoder().encode(v1))
        #expect(decoded == UserV2(id: 1, name: "Ada", email: nil, address: nil, tags: nil, scores: nil))
    }

    @Test func olderReaderSkipsUnknownScalarStructArrayAndDictionaryFields() throws {
        let v2 = UserV2(id: 2, name: "Grace", email: "g@example.com", address: Address(city: "Arlington", zip: "22201"),
                        tags: ["navy", "cobol"], scores: ["a": [1, 2], "b": []])
        let decoded = try BinaryDecoder().decode(UserV1.self, from: BinaryEncoder().encode(v2))
        #expect(decoded == UserV1(id: 2, name: "Grace"))
    }

    @Test func unknownFieldsAreSkippedWhereverTheyAppear() throws {
        // The unknown fields come first, in the middle and last, and the known ones out of order.
        struct Scrambled: Codable {
            var extra1: [Address]
            var name: String
            var extra2: Address
            var id: Int
            var extra3: [String: String]
        }
        let value = Scrambled(extra1: [Address(city: "x", zip: "y")], name: "Lin", extra2: Address(city: "c", zip: "z"),
                              id: 3, extra3: ["k": "v"])
        let decoded = try BinaryDecoder().decode(UserV1.self, from: BinaryEncoder().encode(value))
        #expect(decoded == UserV1(id: 3, name: "Lin"))
    }

    @Test func nestedEvolutionInsideArrays() throws {
        struct TeamV1: Codable, Equatable { var members: [UserV1] }
        struct TeamV2: Codable, Equatable { var members: [UserV2]; var motto: String? }
        let v2 = TeamV2(members: [UserV2(id: 1, name: "a", email: "e", address: nil, tags: ["t"], scores: nil)], motto: "m")
        let asV1 = try BinaryDecoder().decode(TeamV1.self, from: BinaryEncoder().encode(v2))
        #expect(asV1 == TeamV1(members: [UserV1(id: 1, name: "a")]))
        let backAsV2 = try BinaryDecoder().decode(TeamV2.self, from: BinaryEncoder().encode(asV1))
        #expect(backAsV2.members[0].email == nil && backAsV2.motto == nil)
    }

    @Test func missingRequiredFieldNamesTheKeyPath() throws {
        struct Outer: Codable { var items: [Item] }
        struct Item: Codable { var sku: String }
        struct OuterV2: Codable { var items: [ItemV2] }
        struct ItemV2: Codable { var sku: String; var price: Int }
        let bytes = try BinaryEncoder().encode(Outer(items: [Item(sku: "a"), Item(sku: "b")]))
        let error = try #require(throws: BinaryCodingError.self) {
            _ = try BinaryDecoder().decode(OuterV2.self, from: bytes)
        }
        #expect(error.code == .keyNotFound)
        #expect(error.keyPath == "items[0].price")
    }

    @Test func explicitNilInAKeyedContainerReadsAsAbsent() throws {
        struct WithNil: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: UserV2.CodingKeys.self)
                try container.encode(5, forKey: .id)
                try container.encode("n", forKey: .name)
                try container.encode(String?.none, forKey: .email)  // written as an explicit nil value
                try container.encodeNil(forKey: .tags)             // written as nothing
            }
        }
        let decoded = try BinaryDecoder().decode(UserV2.self, from: BinaryEncoder().encode(WithNil()))
        #expect(decoded.id == 5 && decoded.email == nil && decoded.tags == nil)
    }

    @Test func nonOptionalFieldWithAnOptionalTypeDecodedWithDecodeIsNilWhenAbsent() throws {
        struct Manual: Decodable {
            var email: String?
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: UserV2.CodingKeys.self)
                email = try container.decode(String?.self, forKey: .email)
            }
        }
        let decoded = try BinaryDecoder().decode(Manual.self, from: BinaryEncoder().encode(UserV1(id: 1, name: "x")))
        #expect(decoded.email == nil)
    }
}

extension BinaryCodingEvolutionTests.UserV2 {
    enum CodingKeys: String, CodingKey { case id, name, email, address, tags, scores }
}
