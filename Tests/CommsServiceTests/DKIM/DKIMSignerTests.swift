import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

@Suite("DKIM signing, checked by dkimpy (python3-dkim)")
struct DKIMSignerTests {
    static let key = Result { try RSAPrivateKey() }

    static func message(unsubscribe: String? = nil) throws -> MailMessage {
        MailMessage(
            messageID: "msg_1@mail.purrpurr.test", date: Date(timeIntervalSince1970: 1_700_000_000),
            from: try MailAddress(parsing: "Shop <hello@mail.example.test>", field: "from"),
            replyTo: try MailAddress(parsing: "help@mail.example.test", field: "reply_to"),
            to: [try MailAddress(parsing: "ana@example.org")], subject: "¡Hola Ana! A subject long enough to be folded over two lines",
            text: "Hi Ana,  \n\nyour order ships today.   \n", html: "<p>Hi Ana</p>", unsubscribeURL: unsubscribe)
    }

    static func record(_ key: RSAPrivateKey) -> String {
        DomainRecords.dkimValue(publicKey: Data(key.publicKeyDER).base64EncodedString())
    }

    @Test("the signature verifies; it names d=, s=, t=, c=relaxed/relaxed and the usual headers")
    func verifies() throws {
        let key = try Self.key.get()
        let signer = DKIMSigner(domain: "mail.example.test", selector: "pptest", key: key)
        let message = try Self.message(unsubscribe: "https://example.test/u?t=1")
        let signed = try signer.sign(try message.render(), at: message.date)
        let text = String(decoding: signed, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=mail.example.test; s=pptest;\r\n t=1700000000; "))
        #expect(text.contains("h=from:to:subject:date:message-id:mime-version:content-type:reply-to:list-unsubscribe:list-unsubscribe-post;"))
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(try PythonDKIMVerifier.verify(signed, keyName: "pptest._domainkey.mail.example.test", record: Self.record(key)))
    }

    @Test("a changed body, a changed signed header or another key fails dkimpy's check")
    func tampering() throws {
        let key = try Self.key.get()
        let signer = DKIMSigner(domain: "mail.example.test", selector: "pptest", key: key)
        let message = try Self.message()
        let signed = String(decoding: try signer.sign(try message.render(), at: message.date), as: UTF8.self)
        let name = "pptest._domainkey.mail.example.test"
        for tampered in [signed.replacingOccurrences(of: "ships today", with: "ships later"),
                         signed.replacingOccurrences(of: "Shop <hello@", with: "Bank <hello@")] {
            #expect(tampered != signed)
            #expect(try !PythonDKIMVerifier.verify(Array(tampered.utf8), keyName: name, record: Self.record(key)))
        }
        let other = try RSAPrivateKey()
        #expect(try !PythonDKIMVerifier.verify(Array(signed.utf8), keyName: name, record: Self.record(other)))
    }

    @Test("white space changes that relaxed canonicalization ignores keep the signature valid")
    func relaxedTolerance() throws {
        let key = try Self.key.get()
        let signer = DKIMSigner(domain: "mail.example.test", selector: "pptest", key: key)
        let message = try Self.message()
        let signed = String(decoding: try signer.sign(try message.render(), at: message.date), as: UTF8.self)
        let refolded = signed.replacingOccurrences(of: "MIME-Version: 1.0", with: "MIME-Version:   1.0 ") + "\r\n\r\n"
        #expect(try PythonDKIMVerifier.verify(Array(refolded.utf8), keyName: "pptest._domainkey.mail.example.test", record: Self.record(key)))
    }

    @Test("bytes without a header block are refused")
    func malformed() throws {
        let signer = DKIMSigner(domain: "mail.example.test", selector: "pptest", key: try Self.key.get())
        #expect(throws: DKIMSigner.Failure.self) { try signer.sign(Array("no header block".utf8), at: Date()) }
        #expect(throws: DKIMSigner.Failure.self) { try signer.sign(Array("NoColon\r\n\r\nbody".utf8), at: Date()) }
    }
}
