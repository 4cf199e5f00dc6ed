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

    static let rfcPayload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

    @Test("RFC 7515 appendix A.2 (RS256) and A.3 (ES256): the published signatures verify with the published keys")
    func rfc7515Vectors() throws {
        let n = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-"
            + "pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg"
            + "665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
        let rs256 = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t"
            + "1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
            + "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw"
        let rsa = try RSAPublicKey(modulus: try #require(Base64URL.decode(n)), exponent: try #require(Base64URL.decode("AQAB")))
        let rsaInput = Array(("eyJhbGciOiJSUzI1NiJ9." + Self.rfcPayload).utf8)
        #expect(rsa.isValidSHA256Signature(try #require(Base64URL.decode(rs256)), for: rsaInput))
        let ec = try P256PublicKey(
            x: try #require(Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")),
            y: try #require(Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")))
        let es256 = "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
        let ecInput = Array(("eyJhbGciOiJFUzI1NiJ9." + Self.rfcPayload).utf8)
        #expect(ec.isValidJWSSignature(try #require(Base64URL.decode(es256)), for: ecInput))
        #expect(!ec.isValidJWSSignature(try #require(Base64URL.decode(es256)), for: rsaInput))
    }
}
