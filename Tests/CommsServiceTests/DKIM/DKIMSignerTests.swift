import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

@Suite("DKIM signing, checked by dkimpy (python3-dkim)")
struct DKIMSignerTests {
    static let rsa = Result { try RSAPrivateKey() }
    static let ed25519 = Ed25519PrivateKey()
    static let rsaName = "pptestr._domainkey.mail.example.test"
    static let ed25519Name = "ppteste._domainkey.mail.example.test"

    static func message(unsubscribe: String? = nil) throws -> MailMessage {
        MailMessage(
            messageID: "msg_1@mail.purrpurr.test", date: Date(timeIntervalSince1970: 1_700_000_000),
            from: try MailAddress(parsing: "Shop <hello@mail.example.test>", field: "from"),
            replyTo: try MailAddress(parsing: "help@mail.example.test", field: "reply_to"),
            to: [try MailAddress(parsing: "ana@example.org")], subject: "¡Hola Ana! A subject long enough to be folded over two lines",
            text: "Hi Ana,  \n\nyour order ships today.   \n", html: "<p>Hi Ana</p>", unsubscribeURL: unsubscribe)
    }

    /// The published records of both test keys (or of `rsa` instead of the test's RSA key).
    static func keys(rsa: RSAPrivateKey? = nil) throws -> [String: String] {
        let rsa = try rsa ?? Self.rsa.get()
        return [
            rsaName: DomainRecords.dkimValue(publicKey: Data(rsa.publicKeyDER).base64EncodedString()),
            ed25519Name: DomainRecords.ed25519Value(publicKey: Data(ed25519.publicKey.rawRepresentation).base64EncodedString()),
        ]
    }

    /// The test message signed with Ed25519, then RSA (as ``SenderPolicy`` does), or with RSA only.
    static func signed(unsubscribe: String? = nil, ed25519 withEd25519: Bool = true) throws -> String {
        let message = try Self.message(unsubscribe: unsubscribe)
        var bytes = try message.render()
        if withEd25519 {
            bytes = try DKIMSigner(domain: "mail.example.test", selector: "ppteste", key: .ed25519(ed25519)).sign(bytes, at: message.date)
        }
        bytes = try DKIMSigner(domain: "mail.example.test", selector: "pptestr", key: .rsa(try rsa.get())).sign(bytes, at: message.date)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("an rsa-sha256 signature verifies; it names d=, s=, t=, c=relaxed/relaxed and the usual headers")
    func rsaVerifies() throws {
        let text = try Self.signed(unsubscribe: "https://example.test/u?t=1", ed25519: false)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.example.test; s=pptestr;\r\n t=1700000000; "))
        #expect(text.contains("h=from:to:subject:date:message-id:mime-version:content-type:reply-to:list-unsubscribe:list-unsubscribe-post;"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(try PythonDKIMVerifier.verify(Array(text.utf8), keys: Self.keys()) == ["rsa-sha256"])
    }

    @Test("ed25519-sha256 (RFC 8463) beside rsa-sha256: both verify")
    func bothVerify() throws {
        let text = try Self.signed()
        #expect(text.contains("a=ed25519-sha256; c=relaxed/relaxed; d=mail.example.test; s=ppteste;"))
        #expect(try PythonDKIMVerifier.verify(Array(text.utf8), keys: Self.keys()) == ["rsa-sha256", "ed25519-sha256"])
    }

    @Test("a changed body, a changed signed header or another key fails dkimpy's check")
    func tampering() throws {
        let signed = try Self.signed()
        for tampered in [signed.replacingOccurrences(of: "ships today", with: "ships later"),
                         signed.replacingOccurrences(of: "Shop <hello@", with: "Bank <hello@")] {
            #expect(tampered != signed)
            #expect(try PythonDKIMVerifier.verify(Array(tampered.utf8), keys: Self.keys()).isEmpty)
        }
        #expect(try PythonDKIMVerifier.verify(Array(signed.utf8), keys: Self.keys(rsa: try RSAPrivateKey())).isEmpty)
    }

    @Test("white space changes that relaxed canonicalization ignores keep the signatures valid")
    func relaxedTolerance() throws {
        let refolded = try Self.signed().replacingOccurrences(of: "MIME-Version: 1.0", with: "MIME-Version:   1.0 ") + "\r\n\r\n"
        #expect(try PythonDKIMVerifier.verify(Array(refolded.utf8), keys: Self.keys()).count == 2)
    }

    @Test("bytes without a header block are refused")
    func malformed() throws {
        let signer = DKIMSigner(domain: "mail.example.test", selector: "pptest", key: .ed25519(Self.ed25519))
        #expect(throws: DKIMSigner.Failure.self) { try signer.sign(Array("no header block".utf8), at: Date()) }
        #expect(throws: DKIMSigner.Failure.self) { try signer.sign(Array("NoColon\r\n\r\nbody".utf8), at: Date()) }
    }
}
