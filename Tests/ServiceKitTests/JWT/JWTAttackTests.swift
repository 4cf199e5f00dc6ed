import Foundation
import Testing

@testable import ServiceKit

@Suite("JWT verification refuses attacks")
struct JWTAttackTests {
    let key = Ed25519PrivateKey()
    var verifier: JWTVerifier { JWTVerifier(issuer: JWTTestSupport.issuer, keys: ["k1": self.key.publicKey]) }
    var payload: String { JWTTestSupport.payload(JWTTestSupport.claims()) }
    let header = #"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#

    private func expect(_ error: JWTError, _ token: String, audience: String = "prj_a", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) {
            try self.verifier.verify(token, audience: audience, now: JWTTestSupport.now)
        }
    }

    private func sign(_ claims: JWTClaims) throws -> String {
        try JWTSigner(kid: "k1", privateKey: self.key).sign(claims)
    }

    @Test func controlIsAccepted() throws {
        let token = try JWTTestSupport.token(header: self.header, payload: self.payload, key: self.key)
        #expect(throws: Never.self) { try self.verifier.verify(token, audience: "prj_a", now: JWTTestSupport.now) }
    }

    @Test func tamperedPayload() throws {
        let token = try self.sign(JWTTestSupport.claims())
        let parts = token.split(separator: ".").map(String.init)
        let forged = JWTTestSupport.payload(JWTTestSupport.claims(aud: "prj_a")).replacingOccurrences(of: "usr_1", with: "usr_2")
        self.expect(.badSignature, parts[0] + "." + Base64URL.encode(forged) + "." + parts[2])
    }

    @Test func tamperedSignature() throws {
        let token = try self.sign(JWTTestSupport.claims())
        var signature = Base64URL.decode(token.split(separator: ".")[2])!
        signature[10] ^= 0x01
        let parts = token.split(separator: ".")
        self.expect(.badSignature, parts[0] + "." + parts[1] + "." + Base64URL.encode(signature))
    }

    @Test func algNoneWithAndWithoutSignature() throws {
        let none = #"{"alg":"none","typ":"JWT","kid":"k1"}"#
        // The unsecured form has an empty signature segment: refused by the shape check before the header.
        self.expect(.malformed, try JWTTestSupport.token(header: none, payload: self.payload, key: nil))
        self.expect(.malformed, try JWTTestSupport.token(header: #"{"alg":"none"}"#, payload: self.payload, key: nil))
        // With some signature attached, the header's alg is refused.
        self.expect(.unsupportedAlgorithm, try JWTTestSupport.token(header: none, payload: self.payload, key: self.key))
        let fake = [UInt8](repeating: 0, count: 64)
        self.expect(.unsupportedAlgorithm, try JWTTestSupport.token(header: #"{"alg":"none"}"#, payload: self.payload, key: nil, signature: fake))
    }

    @Test(arguments: ["HS256", "ES256", "RS256", "EdDSA ", "eddsa", "EDDSA", "Ed25519", ""])
    func otherAlgorithms(alg: String) throws {
        let header = #"{"alg":"\#(alg)","typ":"JWT","kid":"k1"}"#
        self.expect(.unsupportedAlgorithm, try JWTTestSupport.token(header: header, payload: self.payload, key: self.key))
    }

    @Test func algNotAString() throws {
        for alg in ["null", "1", "[\"EdDSA\"]", "{}"] {
            let header = #"{"alg":\#(alg),"kid":"k1"}"#
            self.expect(.unsupportedAlgorithm, try JWTTestSupport.token(header: header, payload: self.payload, key: self.key))
        }
        self.expect(.unsupportedAlgorithm, try JWTTestSupport.token(header: #"{"kid":"k1"}"#, payload: self.payload, key: self.key))
    }

    @Test func hs256WithThePublicKeyAsSecret() throws {
        let header = #"{"alg":"HS256","typ":"JWT","kid":"k1"}"#
        let input = Base64URL.encode(header) + "." + Base64URL.encode(self.payload)
        let mac = HMACSHA256.authenticationCode(for: input, key: self.key.publicKey.rawRepresentation)
        self.expect(.unsupportedAlgorithm, input + "." + Base64URL.encode(mac))
        // Even claiming EdDSA, a 32-byte MAC is no signature.
        let lying = Base64URL.encode(self.header) + "." + Base64URL.encode(self.payload)
        let mac2 = HMACSHA256.authenticationCode(for: lying, key: self.key.publicKey.rawRepresentation)
        self.expect(.malformed, lying + "." + Base64URL.encode(mac2))
    }

    @Test func wrongAudienceAndIssuer() throws {
        self.expect(.wrongAudience, try self.sign(JWTTestSupport.claims(aud: "prj_b")))
        self.expect(.wrongAudience, try self.sign(JWTTestSupport.claims()), audience: "prj_b")
        self.expect(.wrongIssuer, try self.sign(JWTTestSupport.claims(iss: "https://evil.test")))
        // The array form of aud is refused.
        let array = self.payload.replacingOccurrences(of: #""aud":"prj_a""#, with: #""aud":["prj_a"]"#)
        self.expect(.malformed, try JWTTestSupport.token(header: self.header, payload: array, key: self.key))
    }

    @Test func expiredAndNotYetValid() throws {
        let base = JWTTestSupport.nowSeconds
        self.expect(.expired, try self.sign(JWTTestSupport.claims(exp: base - 3600, iat: base - 7200)))
        self.expect(.notYetValid, try self.sign(JWTTestSupport.claims(nbf: base + 600)))
        self.expect(.notYetValid, try self.sign(JWTTestSupport.claims(exp: base + 7200, iat: base + 600)))
    }

    @Test func unknownKidAndRetiredKey() throws {
        let other = Ed25519PrivateKey()
        self.expect(.unknownKey, try JWTSigner(kid: "k9", privateKey: other).sign(JWTTestSupport.claims()))
        // A key retired from the set: its tokens are refused even though they were once valid.
        let retired = try JWTSigner(kid: "k0", privateKey: other).sign(JWTTestSupport.claims())
        let before = JWTVerifier(issuer: JWTTestSupport.issuer, keys: ["k0": other.publicKey, "k1": self.key.publicKey])
        #expect(throws: Never.self) { try before.verify(retired, audience: "prj_a", now: JWTTestSupport.now) }
        self.expect(.unknownKey, retired)
        // A kid of the set with another key's signature.
        self.expect(.badSignature, try JWTSigner(kid: "k1", privateKey: other).sign(JWTTestSupport.claims()))
    }

    @Test func malformedSegments() throws {
        let good = try self.sign(JWTTestSupport.claims())
        let parts = good.split(separator: ".").map(String.init)
        let cases = [
            "", ".", "..", "...", "a.b", parts[0] + "." + parts[1], good + ".", good + ".x", "." + parts[1] + "." + parts[2],
            parts[0] + ".." + parts[2], parts[0] + "." + parts[1] + ".",
            parts[0] + "=." + parts[1] + "." + parts[2],                      // padding
            parts[0] + "." + parts[1] + "." + parts[2] + "==",
            " " + good, good + " ", good + "\n", parts[0] + ". " + parts[1] + "." + parts[2],   // whitespace
            parts[0].replacingOccurrences(of: "e", with: "+") + "." + parts[1] + "." + parts[2], // base64, not url
            String(repeating: "a", count: 9000) + "." + parts[1] + "." + parts[2],              // size
            parts[0] + "." + parts[1] + "." + String(parts[2].dropLast(2)),                       // short signature
        ]
        for token in cases {
            self.expect(.malformed, token)
        }
    }

    @Test func malformedJSON() throws {
        let headers = [
            #"{"alg":"EdDSA","kid":"k1""#, #"["EdDSA"]"#, #"{"alg":"EdDSA","kid":"k1"} x"#, "not json",
            #"{"alg":"EdDSA","kid":"k1","kid":"k2"}"#,                       // duplicate member
            #"{"alg":"EdDSA","kid":"k1","crit":["exp"]}"#,                   // crit refused
            #"{"alg":"EdDSA","kid":"k1","typ":"JWE"}"#, #"{"alg":"EdDSA","kid":1}"#, #"{"alg":"EdDSA"}"#,
            #"{"alg":"EdDSA","kid":"k1\u0000"}"#.replacingOccurrences(of: "\\u0000", with: "\u{0}"),
        ]
        for header in headers {
            self.expect(.malformed, try JWTTestSupport.token(header: header, payload: self.payload, key: self.key))
        }
        let payloads = [
            "{", "[]", #"{"iss":"x"}"#,
            self.payload.replacingOccurrences(of: #""exp":"#, with: #""exp":1.5,"x":"#),
            self.payload.replacingOccurrences(of: #""sid":"ses_1""#, with: #""sid":"ses_1","sid":"ses_2""#),
            self.payload.replacingOccurrences(of: #""role":"authenticated""#, with: #""role":7"#),
            self.payload.replacingOccurrences(of: #""iat":"#, with: #""iat":"1","x":"#),
            self.payload + " {}",
            self.payload.replacingOccurrences(of: "ses_1", with: "\\ud800"),  // lone surrogate
        ]
        for payload in payloads {
            self.expect(.malformed, try JWTTestSupport.token(header: self.header, payload: payload, key: self.key))
        }
        // Invalid UTF-8 inside a string.
        let input = Base64URL.encode(self.header) + "." + Base64URL.encode(Array(#"{"iss":"\#u{FF}"}"#.utf8).map { $0 == 0xC3 ? 0xFF : $0 })
        self.expect(.malformed, input + "." + Base64URL.encode(try self.key.signature(for: input)))
    }

    @Test func unknownMembersAndEscapesAreTolerated() throws {
        let header = #"{"typ":"JWT","kid":"k\u0031","alg":"EdDSA","x5u":"https://evil.test","nested":{"a":[1,2,{"b":null}]}}"#
        let payload = self.payload.replacingOccurrences(of: "{", with: #"{"extra":[true,false,-0.5e3,"\"\\\/\b\f\n\r\t\ud83d\udc31"],"#)
        let token = try JWTTestSupport.token(header: header, payload: payload, key: self.key)
        #expect(try self.verifier.verify(token, audience: "prj_a", now: JWTTestSupport.now).sub == "usr_1")
    }
}
