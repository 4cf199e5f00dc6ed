import Foundation
import Testing
@testable import ServiceKit

/// RS256 and ES256 verification over OpenSSL (keys from JWK components), and the ECDSA raw ↔ DER conversion.
@Suite("JWS RSA and P-256 keys")
struct JWSKeyTests {
    @Test("an RSA key rebuilt from n and e verifies its private key's signatures, and nothing else")
    func rsaRoundTrip() throws {
        let key = try RSAPrivateKey()
        let message = Array("header.payload".utf8)
        let signature = try key.sha256Signature(for: message)
        let (n, e) = key.publicComponents
        #expect(e == [0x01, 0x00, 0x01])
        let publicKey = try RSAPublicKey(modulus: n, exponent: e)
        #expect(publicKey.bits == 2048)
        #expect(publicKey.isValidSHA256Signature(signature, for: message))
        #expect(!publicKey.isValidSHA256Signature(signature, for: Array("header.payloaD".utf8)))
        var flipped = signature
        flipped[10] ^= 1
        #expect(!publicKey.isValidSHA256Signature(flipped, for: message))
        #expect(!publicKey.isValidSHA256Signature(Array(signature.dropLast()), for: message))
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }

    @Test("RSA keys below 2048 bits, even or unit exponents are refused")
    func rsaRefusals() throws {
        let (n, e) = try RSAPrivateKey().publicComponents
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: Array(n.prefix(128)), exponent: e) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: n, exponent: [2]) }
        #expect(throws: CryptoError.self) { try RSAPublicKey(modulus: n, exponent: [1]) }
    }

    @Test("a P-256 key from x and y verifies raw r‖s signatures; a point off the curve is refused")
    func p256RoundTrip() throws {
        let key = try P256PrivateKey()
        let message = Array("header.payload".utf8)
        let signature = try key.jwsSignature(for: message)
        #expect(signature.count == 64)
        let publicKey = try P256PublicKey(x: key.publicCoordinates.x, y: key.publicCoordinates.y)
        #expect(publicKey.isValidJWSSignature(signature, for: message))
        #expect(!publicKey.isValidJWSSignature(signature, for: Array("other".utf8)))
        var flipped = signature
        flipped[40] ^= 1
        #expect(!publicKey.isValidJWSSignature(flipped, for: message))
        #expect(!publicKey.isValidJWSSignature([UInt8](repeating: 0, count: 64), for: message))
        var y = key.publicCoordinates.y
        y[31] ^= 1
        #expect(throws: CryptoError.self) { try P256PublicKey(x: key.publicCoordinates.x, y: y) }
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }

    @Test("raw r‖s and DER convert both ways, with high bits and leading zeros")
    func ecdsaFormats() throws {
        let r = [UInt8](repeating: 0x80, count: 32)
        let s = [UInt8](repeating: 0, count: 31) + [0x05]
        let der = try ECDSASignatureFormat.der(fromRaw: r + s, width: 32)
        #expect(der == [0x30, 0x26, 0x02, 0x21, 0x00] + r + [0x02, 0x01, 0x05])
        #expect(try ECDSASignatureFormat.raw(fromDER: der, width: 32) == r + s)
        #expect(throws: CryptoError.self) { try ECDSASignatureFormat.der(fromRaw: r, width: 32) }
        #expect(throws: CryptoError.self) { try ECDSASignatureFormat.der(fromRaw: [UInt8](repeating: 0, count: 64), width: 32) }
        #expect(throws: CryptoError.self) { try ECDSASignatureFormat.raw(fromDER: Array(der.dropLast()), width: 32) }
    }
}
