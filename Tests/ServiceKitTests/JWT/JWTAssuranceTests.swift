import Foundation
import Testing

@testable import ServiceKit

@Suite("JWT assurance claims (aal, amr, mfa)")
struct JWTAssuranceTests {
    let key = Ed25519PrivateKey()
    var signer: JWTSigner { JWTSigner(kid: "k1", privateKey: self.key) }
    var verifier: JWTVerifier { JWTVerifier(issuer: JWTTestSupport.issuer, keys: ["k1": self.key.publicKey]) }

    @Test("aal, amr and mfa are written after email, in order; the verifier reads aal and mfa back")
    func written() throws {
        var claims = JWTTestSupport.claims()
        claims.aal = "aal2"
        claims.amr = [JWTAuthMethod(method: "password", timestamp: 100), JWTAuthMethod(method: "totp", timestamp: 160)]
        claims.mfa = true
        let token = try signer.sign(claims)
        let payload = String(decoding: Base64URL.decode(token.split(separator: ".")[1])!, as: UTF8.self)
        #expect(payload.hasSuffix(
            #","aal":"aal2","amr":[{"method":"password","timestamp":100},{"method":"totp","timestamp":160}],"mfa":true}"#))
        let verified = try verifier.verify(token, audience: "prj_a", now: JWTTestSupport.now)
        #expect(verified.aal == "aal2")
        #expect(verified.mfa == true)
        #expect(verified.amr == nil)
        #expect(!verified.needsSecondFactor)
        #expect(try JSONDecoder().decode(JWTClaims.self, from: Data(payload.utf8)) == claims)
    }

    @Test("only an aal1 token (or one without aal) of a user with a factor needs the second factor")
    func needsSecondFactor() throws {
        var claims = JWTTestSupport.claims()
        #expect(!claims.needsSecondFactor)
        claims.mfa = true
        #expect(claims.needsSecondFactor)
        claims.aal = "aal1"
        #expect(claims.needsSecondFactor)
        claims.aal = "aal2"
        #expect(!claims.needsSecondFactor)
        claims.aal = "aal1"
        claims.mfa = false
        #expect(!claims.needsSecondFactor)
        let verified = try verifier.verify(try signer.sign(JWTTestSupport.claims()), audience: "prj_a", now: JWTTestSupport.now)
        #expect(verified.aal == nil && verified.mfa == nil)
    }

    @Test("a mistyped aal or mfa is malformed")
    func mistyped() throws {
        for claim in [#""aal":2"#, #""mfa":"yes""#, #""mfa":1"#] {
            let payload = String(JWTTestSupport.payload(JWTTestSupport.claims()).dropLast()) + "," + claim + "}"
            let token = try JWTTestSupport.token(header: #"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#, payload: payload, key: key)
            #expect(throws: JWTError.malformed, "\(claim)") {
                _ = try verifier.verify(token, audience: "prj_a", now: JWTTestSupport.now)
            }
        }
    }
}
