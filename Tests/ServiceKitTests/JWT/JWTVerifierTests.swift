import Foundation
import Testing

@testable import ServiceKit

@Suite("JWT sign and verify")
struct JWTVerifierTests {
    let key = Ed25519PrivateKey()
    var signer: JWTSigner { JWTSigner(kid: "k1", privateKey: self.key) }
    var verifier: JWTVerifier { JWTVerifier(issuer: JWTTestSupport.issuer, keys: ["k1": self.key.publicKey]) }
    let now = JWTTestSupport.now

    @Test func roundTrip() throws {
        let claims = JWTTestSupport.claims(nbf: JWTTestSupport.nowSeconds - 5)
        let token = try self.signer.sign(claims)
        #expect(try self.verifier.verify(token, audience: "prj_a", now: self.now) == claims)
        #expect(token.split(separator: ".").count == 3)
        #expect(!token.contains("="))
    }

    @Test func roundTripWithoutOptionalsAndWithEscapes() throws {
        var claims = JWTTestSupport.claims()
        claims.email = nil
        claims.sub = "quote\" back\\slash \n ctrl\u{01} ñ 🐱"
        let token = try self.signer.sign(claims)
        #expect(try self.verifier.verify(token, audience: "prj_a", now: self.now) == claims)
    }

    @Test func headerIsExactlyEdDSAWithTypAndKid() throws {
        let token = try self.signer.sign(JWTTestSupport.claims())
        let header = String(decoding: Base64URL.decode(token.split(separator: ".")[0])!, as: UTF8.self)
        #expect(header == #"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#)
    }

    @Test func signingIsDeterministicAndFoundationDecodable() throws {
        let claims = JWTTestSupport.claims(nbf: 5)
        #expect(try self.signer.sign(claims) == self.signer.sign(claims))
        let json = JWTTestSupport.payload(claims)
        #expect(try JSONDecoder().decode(JWTClaims.self, from: Data(json.utf8)) == claims)
    }

    /// RFC 8037 Appendix A.4: the Ed25519 JWS of "Example of Ed25519 signing" with the A.1 key.
    @Test func rfc8037AppendixA4() throws {
        let seed = try #require(Base64URL.decode("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"))
        let rfcKey = try Ed25519PrivateKey(rawRepresentation: seed)
        #expect(JWK(kid: "a1", publicKey: rfcKey.publicKey).x == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        #expect(Base64URL.encode(#"{"alg":"EdDSA"}"#) + "." + Base64URL.encode("Example of Ed25519 signing") == input)
        let expected = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        #expect(Base64URL.encode(try rfcKey.signature(for: input)) == expected)
        // The RFC's JWS has no kid and no claims: a strict access-token verifier refuses it.
        let verifier = JWTVerifier(issuer: "x", keys: ["a1": rfcKey.publicKey])
        #expect(throws: JWTError.malformed) { try verifier.verify(input + "." + expected, audience: "a", now: self.now) }
    }

    @Test func jwkRoundTrip() throws {
        let jwk = JWK(kid: "k1", publicKey: self.key.publicKey)
        let json = try JSONEncoder().encode(jwk)
        let decoded = try JSONDecoder().decode(JWK.self, from: json)
        #expect(decoded == jwk)
        #expect(try decoded.ed25519PublicKey() == self.key.publicKey)
        #expect(jwk.kty == "OKP" && jwk.crv == "Ed25519" && jwk.alg == "EdDSA" && jwk.use == "sig")
        var bad = jwk
        bad.crv = "X25519"
        #expect(throws: JWTError.unsupportedAlgorithm) { try bad.ed25519PublicKey() }
        bad = jwk
        bad.x += "="
        #expect(throws: JWTError.malformed) { try bad.ed25519PublicKey() }
    }

    @Test func leewayBoundaries() throws {
        let base = JWTTestSupport.nowSeconds
        let expiredWithinLeeway = try self.signer.sign(JWTTestSupport.claims(exp: base - 29, iat: base - 100))
        #expect(throws: Never.self) { try self.verifier.verify(expiredWithinLeeway, audience: "prj_a", now: self.now) }
        let expiredAtLeeway = try self.signer.sign(JWTTestSupport.claims(exp: base - 30, iat: base - 100))
        #expect(throws: JWTError.expired) { try self.verifier.verify(expiredAtLeeway, audience: "prj_a", now: self.now) }
        let nbfWithinLeeway = try self.signer.sign(JWTTestSupport.claims(nbf: base + 30))
        #expect(throws: Never.self) { try self.verifier.verify(nbfWithinLeeway, audience: "prj_a", now: self.now) }
        let iatWithinLeeway = try self.signer.sign(JWTTestSupport.claims(iat: base + 30))
        #expect(throws: Never.self) { try self.verifier.verify(iatWithinLeeway, audience: "prj_a", now: self.now) }
    }

    @Test func keyRotationAcceptsEveryCurrentKey() throws {
        let next = Ed25519PrivateKey()
        let verifier = JWTVerifier(issuer: JWTTestSupport.issuer, keys: ["k1": self.key.publicKey, "k2": next.publicKey])
        let old = try self.signer.sign(JWTTestSupport.claims())
        let new = try JWTSigner(kid: "k2", privateKey: next).sign(JWTTestSupport.claims())
        #expect(throws: Never.self) { try verifier.verify(old, audience: "prj_a", now: self.now) }
        #expect(throws: Never.self) { try verifier.verify(new, audience: "prj_a", now: self.now) }
        #expect(verifier.kids == ["k1", "k2"])
    }
}
