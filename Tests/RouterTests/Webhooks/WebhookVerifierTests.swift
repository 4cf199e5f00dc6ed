import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("WebhookVerifier")
struct WebhookVerifierTests {
    // Published Standard Webhooks / Svix vector (also recomputed with Python's hmac/base64).
    fileprivate static let svixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    fileprivate static let svixID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    fileprivate static let svixTimestamp: Int64 = 1_614_265_330
    fileprivate static let svixBody = Array(#"{"test": 2432232314}"#.utf8)
    fileprivate static let svixSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    // Computed with Python: key bytes 0x00…0x1f.
    fileprivate static let pySecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    fileprivate static let pyBody = Array(
        #"{"type":"email.delivered","data":{"message_id":"m_1","email":"a@b.example"}}"#.utf8)
    fileprivate static let pySignature = "v1,x9R30iyVKH8Rpp2i44fEoi5Ncqt8ErDIdecOYq5woHQ="

    fileprivate static let secret = WebhookSecret(svixSecret)!
    fileprivate static let verifier = WebhookVerifier(secret: secret)
    fileprivate static let t0: Int64 = 1_700_000_000
    fileprivate static let now = Date(timeIntervalSince1970: TimeInterval(t0))
    fileprivate static let body = Array(#"{"type":"email.bounced","data":{"message_id":"m_9","email":"x@y.example"}}"#.utf8)

    fileprivate static func signed(
        id: String = "msg_1", timestamp: Int64 = t0, body: [UInt8] = body, secret: WebhookSecret = secret
    ) -> String {
        WebhookSigner(secret: secret).signature(id: id, timestamp: timestamp, body: body)
    }

    fileprivate static func verify(
        id: String? = "msg_1", timestamp: String? = String(t0), signature: String?, body: [UInt8] = body,
        now: Date = now, verifier: WebhookVerifier = verifier
    ) -> Result<String, WebhookVerificationError> {
        Result { () throws(WebhookVerificationError) -> String in
            try verifier.verify(id: id, timestamp: timestamp, signature: signature, body: body, now: now)
        }
    }

    @Test("known-answer vectors: the signer agrees and the verifier accepts")
    func knownAnswer() throws {
        let signer = WebhookSigner(secret: Self.secret)
        #expect(signer.signature(id: Self.svixID, timestamp: Self.svixTimestamp, body: Self.svixBody) == Self.svixSignature)
        let py = try #require(WebhookSecret(Self.pySecret))
        #expect(py.bytes == Array(0..<32))
        #expect(py.encoded == Self.pySecret)
        #expect(WebhookSigner(secret: py).signature(id: "msg_purrpurr_0001", timestamp: 1_700_000_000, body: Self.pyBody)
            == Self.pySignature)
        let at = Date(timeIntervalSince1970: TimeInterval(Self.svixTimestamp))
        #expect(Self.verify(id: Self.svixID, timestamp: String(Self.svixTimestamp), signature: Self.svixSignature,
            body: Self.svixBody, now: at) == .success(Self.svixID))
    }

    @Test("a valid signature returns the id")
    func valid() {
        #expect(Self.verify(signature: Self.signed()) == .success("msg_1"))
        let headers = WebhookSigner(secret: Self.secret).headers(id: "msg_1", timestamp: Self.t0, body: Self.body)
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(Self.verify(signature: headers[2].value) == .success("msg_1"))
    }

    @Test("wrong secret, tampered body, id or timestamp → INVALID_SIGNATURE")
    func tampering() {
        let other = WebhookSecret.generate()
        #expect(Self.verify(signature: Self.signed(secret: other)) == .failure(.invalidSignature))
        var tampered = Self.body
        tampered[10] ^= 1
        #expect(Self.verify(signature: Self.signed(), body: tampered) == .failure(.invalidSignature))
        #expect(Self.verify(signature: Self.signed(), body: Self.body + [0x20]) == .failure(.invalidSignature))
        #expect(Self.verify(id: "msg_2", signature: Self.signed()) == .failure(.invalidSignature))
        #expect(Self.verify(timestamp: String(Self.t0 + 1), signature: Self.signed()) == .failure(.invalidSignature))
    }

    @Test("timestamps more than 300 s away → TIMESTAMP_OUT_OF_TOLERANCE; 300 s is fine")
    func tolerance() {
        for (offset, ok) in [(-301 as Int64, false), (-300, true), (0, true), (300, true), (301, false), (86_400, false)] {
            let timestamp = Self.t0 + offset
            let result = Self.verify(timestamp: String(timestamp), signature: Self.signed(timestamp: timestamp))
            #expect(result == (ok ? .success("msg_1") : .failure(.timestampOutOfTolerance)), "offset \(offset)")
        }
        // An unsigned stale request learns only INVALID_SIGNATURE.
        #expect(Self.verify(timestamp: String(Self.t0 - 10_000), signature: Self.signed()) == .failure(.invalidSignature))
    }

    @Test("several signatures: one valid is enough; other versions are ignored")
    func severalSignatures() {
        let wrong = Self.signed(secret: WebhookSecret.generate())
        let good = Self.signed()
        let goodMAC = String(good.dropFirst(3))
        #expect(Self.verify(signature: "\(wrong) \(good)") == .success("msg_1"))
        #expect(Self.verify(signature: "\(good) \(wrong)") == .success("msg_1"))
        #expect(Self.verify(signature: "  v1a,\(goodMAC)   \(good) ") == .success("msg_1"))
        #expect(Self.verify(signature: "v2,\(goodMAC) \(wrong)") == .failure(.invalidSignature))
        #expect(Self.verify(signature: "v1a,\(goodMAC)") == .failure(.invalidSignature))
    }

    @Test("missing or malformed headers → INVALID_SIGNATURE", arguments: [
        (id: nil, timestamp: "1700000000", signature: "ok"),
        (id: "msg_1", timestamp: nil, signature: "ok"),
        (id: "msg_1", timestamp: "1700000000", signature: nil),
        (id: "", timestamp: "1700000000", signature: "ok"),
        (id: "msg 1", timestamp: "1700000000", signature: "ok"),
        (id: "msg_1", timestamp: "", signature: "ok"),
        (id: "msg_1", timestamp: "+1700000000", signature: "ok"),
        (id: "msg_1", timestamp: "1700000000.0", signature: "ok"),
        (id: "msg_1", timestamp: "01700000000", signature: "ok"),
        (id: "msg_1", timestamp: "1700000000 ", signature: "ok"),
        (id: "msg_1", timestamp: "1700000000", signature: ""),
        (id: "msg_1", timestamp: "1700000000", signature: "v1"),
        (id: "msg_1", timestamp: "1700000000", signature: "v1,"),
        (id: "msg_1", timestamp: "1700000000", signature: "v1,!!!notbase64"),
        (id: "msg_1", timestamp: "1700000000", signature: "garbage"),
    ] as [(id: String?, timestamp: String?, signature: String?)])
    func malformed(headers: (id: String?, timestamp: String?, signature: String?)) {
        let signature = headers.signature == "ok" ? Self.signed() : headers.signature
        #expect(Self.verify(id: headers.id, timestamp: headers.timestamp, signature: signature)
            == .failure(.invalidSignature))
    }

    @Test("an over-long id is refused")
    func longID() {
        let id = String(repeating: "i", count: WebhookVerifier.maximumIDLength + 1)
        #expect(Self.verify(id: id, signature: Self.signed(id: id)) == .failure(.invalidSignature))
        let maxID = String(repeating: "i", count: WebhookVerifier.maximumIDLength)
        #expect(Self.verify(id: maxID, signature: Self.signed(id: maxID)) == .success(maxID))
    }

    @Test("secrets: prefix required, base64 checked, length bounded, never printed")
    func secrets() {
        #expect(WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == nil)
        #expect(WebhookSecret("whsec_not base64!") == nil)
        #expect(WebhookSecret("whsec_AAAA") == nil)  // 3 bytes
        #expect(WebhookSecret("whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")?.bytes == Array(0..<32))  // unpadded
        let secret = WebhookSecret.generate()
        #expect(secret.bytes.count == 32)
        #expect(WebhookSecret(secret.encoded)?.bytes == secret.bytes)
        #expect("\(secret)" == "***")
        #expect(String(reflecting: secret) == "***")
        #expect("\(WebhookVerificationError.invalidSignature)" == "INVALID_SIGNATURE")
        #expect(WebhookVerificationError.timestampOutOfTolerance.publicCode.rawValue == "TIMESTAMP_OUT_OF_TOLERANCE")
        #expect(WebhookVerificationError.invalidSignature.publicCode.httpStatus == 401)
    }
}
