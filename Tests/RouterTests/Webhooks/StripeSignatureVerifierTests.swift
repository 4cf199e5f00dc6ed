import Foundation
import Testing
@testable import Router

@Suite("StripeSignatureVerifier")
struct StripeSignatureVerifierTests {
    // Computed with Python's hmac: the whole whsec_… string is the key, the message is "<t>.<body>".
    static let secret = "whsec_test_0123456789abcdef"
    static let body = Array(#"{"id":"evt_1","type":"charge.refunded"}"#.utf8)
    static let t0: Int64 = 1_700_000_000
    static let mac = "77c52021aedaeafa824549787a213e030334689397e028487833798484e98c84"
    static let verifier = StripeSignatureVerifier(secret: secret)

    func verify(_ header: String?, body: [UInt8] = body, at seconds: Int64 = t0) -> WebhookVerificationError? {
        do {
            try Self.verifier.verify(header: header, body: body, now: Date(timeIntervalSince1970: TimeInterval(seconds)))
            return nil
        } catch {
            return error
        }
    }

    @Test("Stripe's scheme: the known vector, several v1 (any may match), v0 and unknown entries ignored")
    func valid() {
        #expect(verify("t=\(Self.t0),v1=\(Self.mac)") == nil)
        #expect(verify("t=\(Self.t0),v1=\(String(repeating: "0", count: 64)),v1=\(Self.mac),v0=abc,x=1") == nil)
        #expect(verify("t=\(Self.t0), v1=\(Self.mac.uppercased())") == nil)
        #expect(Self.verifier.header(body: Self.body, timestamp: Self.t0) == "t=\(Self.t0),v1=\(Self.mac)")
        #expect(verify("t=\(Self.t0),v1=\(Self.mac)", at: Self.t0 + 300) == nil)
    }

    @Test("wrong signature, wrong secret, changed body, missing parts → invalid; stale or future by > 300 s → tolerance")
    func refused() {
        #expect(verify(nil) == .invalidSignature)
        #expect(verify("") == .invalidSignature)
        #expect(verify("v1=\(Self.mac)") == .invalidSignature)
        #expect(verify("t=\(Self.t0)") == .invalidSignature)
        #expect(verify("t=\(Self.t0),v0=\(Self.mac)") == .invalidSignature)
        #expect(verify("t=\(Self.t0),v1=\(Self.mac)", body: Self.body + [0x20]) == .invalidSignature)
        #expect(verify("t=\(Self.t0 + 1),v1=\(Self.mac)", at: Self.t0 + 1) == .invalidSignature)
        let other = StripeSignatureVerifier(secret: "whsec_other").header(body: Self.body, timestamp: Self.t0)
        #expect(verify(other) == .invalidSignature)
        #expect(verify("t=\(Self.t0),v1=\(Self.mac)", at: Self.t0 + 301) == .timestampOutOfTolerance)
        #expect(verify("t=\(Self.t0),v1=\(Self.mac)", at: Self.t0 - 301) == .timestampOutOfTolerance)
        #expect(verify("t=-5,v1=\(Self.mac)") == .invalidSignature)
    }
}
