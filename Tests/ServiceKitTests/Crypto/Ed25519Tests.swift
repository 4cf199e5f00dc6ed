import Testing
@testable import ServiceKit

@Suite("Ed25519")
struct Ed25519Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var secretKey: String
        var publicKey: String
        var message: String
        var signature: String
        var testDescription: String { name }
    }

    // RFC 8032 §7.1.
    static let vectors: [Vector] = [
        Vector(
            name: "TEST 1",
            secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        Vector(
            name: "TEST 2",
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        Vector(
            name: "TEST 3",
            secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
        Vector(
            name: "TEST SHA(abc)",
            secretKey: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
                + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
        ),
    ]

    private static func h(_ hex: String) -> [UInt8] { CryptoTestSupport.bytes(hex: hex) }

    @Test("RFC 8032 sign", arguments: vectors)
    func sign(vector: Vector) throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Self.h(vector.secretKey))
        #expect(CryptoTestSupport.hex(key.rawRepresentation) == vector.secretKey)
        #expect(CryptoTestSupport.hex(key.publicKey.rawRepresentation) == vector.publicKey)
        let signature = try key.signature(for: Self.h(vector.message))
        #expect(CryptoTestSupport.hex(signature) == vector.signature)
    }

    @Test("RFC 8032 verify", arguments: vectors)
    func verify(vector: Vector) throws {
        let key = try Ed25519PublicKey(rawRepresentation: Self.h(vector.publicKey))
        let message = Self.h(vector.message)
        let signature = Self.h(vector.signature)
        #expect(key.isValidSignature(signature, for: message))

        // Any flipped bit of the signature or the message fails.
        for bit in [0, 7, 255, 256, 511] {
            var tampered = signature
            tampered[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(!key.isValidSignature(tampered, for: message), "signature bit \(bit)")
        }
        var longer = message
        longer.append(0)
        #expect(!key.isValidSignature(signature, for: longer))
        if !message.isEmpty {
            var flipped = message
            flipped[0] ^= 0x80
            #expect(!key.isValidSignature(signature, for: flipped))
        }
    }

    @Test func generatedKeysSignAndVerify() throws {
        let key = Ed25519PrivateKey()
        let other = Ed25519PrivateKey()
        #expect(key.rawRepresentation != other.rawRepresentation)
        let signature = try key.signature(for: "header.payload")
        #expect(signature.count == 64)
        #expect(try key.signature(for: "header.payload") == signature)  // deterministic
        #expect(key.publicKey.isValidSignature(signature, for: "header.payload"))
        #expect(!other.publicKey.isValidSignature(signature, for: "header.payload"))

        let restored = try Ed25519PrivateKey(rawRepresentation: key.rawRepresentation)
        #expect(restored.publicKey == key.publicKey)
        #expect(try Ed25519PublicKey(rawRepresentation: key.publicKey.rawRepresentation) == key.publicKey)
    }

    @Test func rejectsMalformedInput() throws {
        #expect(throws: CryptoError(.invalidKey)) { try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError(.invalidKey)) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) }
        let key = Ed25519PrivateKey()
        let signature = try key.signature(for: "m")
        #expect(!key.publicKey.isValidSignature(signature.prefix(63), for: "m"))
        #expect(!key.publicKey.isValidSignature(signature + [0], for: "m"))
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 64), for: "m"))
        // A 32-byte string that is not a curve point is accepted but verifies nothing.
        let notAPoint = try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 0xFF, count: 32))
        #expect(!notAPoint.isValidSignature(signature, for: "m"))
    }

    @Test func descriptionsHideTheSecret() throws {
        let key = try Ed25519PrivateKey(rawRepresentation: Self.h(Self.vectors[0].secretKey))
        #expect(!String(describing: key).contains("nWGxne"))  // base64url of the seed's first bytes
        #expect(String(describing: key).contains(Base64URL.encode(key.publicKey.rawRepresentation)))
    }

    @Test func concurrentUseOfOneKey() async throws {
        let key = Ed25519PrivateKey()
        let publicKey = key.publicKey
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let message = "message \(index)"
                    guard let signature = try? key.signature(for: message) else { return false }
                    return publicKey.isValidSignature(signature, for: message)
                        && !publicKey.isValidSignature(signature, for: message + "!")
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 })
    }
}
