import Foundation
import Testing
@testable import ServiceKit

/// Every ID-token defect the social sign-in must refuse, on tokens signed by an RSA and an EC key.
@Suite("ID token verifier")
struct IDTokenVerifierTests {
    static let issuer = "https://op.example"
    static let client = "client-1"
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let seconds = 1_750_000_000

    let rsa: JWSSigningKey
    let ec: JWSSigningKey
    let keys: OIDCKeySet
    let verifier = IDTokenVerifier(issuer: Self.issuer, clientID: Self.client)

    init() throws {
        rsa = try .rs256(kid: "rsa-1")
        ec = try .es256(kid: "ec-1")
        keys = try OIDCKeySet(jwks: JWSSigningKey.jwks([rsa, ec]))
    }

    static func claims(_ changes: [String: Any?] = [:]) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": issuer, "aud": client, "sub": "248289761001", "exp": seconds + 300, "iat": seconds,
            "nonce": "n-0S6_WzA2Mj", "email": "ana@example.com", "email_verified": true,
        ]
        for (name, value) in changes { claims[name] = value }
        return claims
    }

    func verify(_ token: String, nonce: String = "n-0S6_WzA2Mj") -> Result<IDTokenClaims, IDTokenError> {
        Result { () throws(IDTokenError) in try verifier.verify(token, keys: keys, nonce: nonce, now: Self.now) }
    }

    @Test("RS256 and ES256 tokens verify; email_verified as a boolean or Apple's string")
    func valid() throws {
        #expect(keys.keys.count == 2)
        for key in [rsa, ec] {
            let claims = try verify(key.sign(claims: Self.claims())).get()
            #expect(claims.subject == "248289761001")
            #expect(claims.email == "ana@example.com")
            #expect(claims.emailVerified)
        }
        #expect(try verify(rsa.sign(claims: Self.claims(["email_verified": "true"]))).get().emailVerified)
        #expect(try verify(rsa.sign(claims: Self.claims(["email_verified": nil]))).get().emailVerified == false)
        let audiences = Self.claims(["aud": [Self.client, "other"], "azp": Self.client])
        #expect(try verify(ec.sign(claims: audiences)).get().subject == "248289761001")
    }

    @Test("bad signature, unknown kid, wrong aud, wrong iss, expired, iat in the future or too old")
    func defects() throws {
        let parts = try rsa.sign(claims: Self.claims()).split(separator: ".")
        var signature = try #require(Base64URL.decode(parts[2]))
        signature[17] ^= 0x40
        #expect(verify(parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)) == .failure(.badSignature))
        let otherKey = try JWSSigningKey(kid: "rsa-1", material: .rsa(RSAPrivateKey()))
        #expect(verify(try otherKey.sign(claims: Self.claims())) == .failure(.badSignature))
        let unknown = try JWSSigningKey.es256(kid: "ec-unknown")
        #expect(verify(try unknown.sign(claims: Self.claims())) == .failure(.unknownKey))
        #expect(verify(try ec.sign(claims: Self.claims(["aud": "someone-else"]))) == .failure(.wrongAudience))
        #expect(verify(try ec.sign(claims: Self.claims(["aud": [Self.client, "x"]]))) == .failure(.wrongAudience))
        #expect(verify(try ec.sign(claims: Self.claims(["iss": "https://evil.example"]))) == .failure(.wrongIssuer))
        #expect(verify(try ec.sign(claims: Self.claims(["exp": Self.seconds - 61]))) == .failure(.expired))
        #expect(try verify(ec.sign(claims: Self.claims(["exp": Self.seconds - 30]))).get().subject == "248289761001")
        #expect(verify(try ec.sign(claims: Self.claims(["iat": Self.seconds + 120]))) == .failure(.badIssuedAt))
        #expect(verify(try ec.sign(claims: Self.claims(["iat": Self.seconds - 3600]))) == .failure(.badIssuedAt))
        #expect(verify(try ec.sign(claims: Self.claims(["sub": nil]))) == .failure(.malformed))
    }

    @Test("a missing nonce, or another sign-in's (replayed), is refused")
    func nonce() throws {
        #expect(verify(try rsa.sign(claims: Self.claims(["nonce": nil]))) == .failure(.nonceMismatch))
        #expect(verify(try rsa.sign(claims: Self.claims()), nonce: "another-flow") == .failure(.nonceMismatch))
    }

    @Test("alg none, HS256 keyed with the public key, a key of the wrong type for alg, crit: all refused")
    func algorithms() throws {
        let input = JWSSigningKey.signingInput(header: ["alg": "none", "kid": "rsa-1"], claims: Self.claims())
        #expect(verify(input + ".") == .failure(.unsupportedAlgorithm))
        #expect(verify(input + ".AAAA") == .failure(.unsupportedAlgorithm))
        // The classic confusion: HMAC-SHA256 keyed with the RSA public key's bytes.
        let hsInput = JWSSigningKey.signingInput(header: ["alg": "HS256", "kid": "rsa-1"], claims: Self.claims())
        guard case .rsa(let rsaKey) = rsa.material else { return }
        let mac = HMACSHA256.authenticationCode(for: Array(hsInput.utf8), key: rsaKey.publicKeyDER)
        #expect(verify(hsInput + "." + Base64URL.encode(mac)) == .failure(.unsupportedAlgorithm))
        let swapped = try ec.sign(header: ["alg": "RS256", "kid": "ec-1"], claims: Self.claims())
        #expect(verify(swapped) == .failure(.unsupportedAlgorithm))
        let critical = try rsa.sign(header: ["alg": "RS256", "kid": "rsa-1", "crit": ["exp"]], claims: Self.claims())
        #expect(verify(critical) == .failure(.malformed))
        #expect(verify("a.b") == .failure(.malformed))
    }

    @Test("the Microsoft common issuer template takes the token's tid")
    func tenantIssuer() throws {
        let verifier = IDTokenVerifier(issuer: "https://login.microsoftonline.com/{tenantid}/v2.0", clientID: Self.client)
        let claims = Self.claims(["iss": "https://login.microsoftonline.com/t-1/v2.0", "tid": "t-1"])
        #expect(throws: Never.self) { try verifier.verify(try rsa.sign(claims: claims), keys: keys, nonce: "n-0S6_WzA2Mj", now: Self.now) }
        let other = Self.claims(["iss": "https://login.microsoftonline.com/t-1/v2.0", "tid": "t-2"])
        #expect(throws: IDTokenError.wrongIssuer) {
            try verifier.verify(try rsa.sign(claims: other), keys: keys, nonce: "n-0S6_WzA2Mj", now: Self.now)
        }
    }
}
