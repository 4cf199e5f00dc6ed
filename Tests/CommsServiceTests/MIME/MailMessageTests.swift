import Foundation
import Testing

@testable import CommsService

fileprivate let sampleDate = Date(timeIntervalSince1970: 1_795_255_200)   // Sat, 21 Nov 2026 10:00:00 +0000

fileprivate func sample(
    subject: String = "Hello", text: String? = "Hi Ana,\nbye.\n", html: String? = nil
) -> MailMessage {
    MailMessage(
        messageID: "msg_abc@mail.purrpurr.dev", date: sampleDate,
        from: MailAddress(displayName: "Purrpurr", address: "hello@purrpurr.dev"),
        to: [MailAddress(address: "ana@example.com")], subject: subject, text: text, html: html)
}

/// Renders `message` and returns the validation error's field, or nil when it rendered.
fileprivate func failingField(_ message: MailMessage) -> String? {
    do {
        _ = try message.render()
        return nil
    } catch {
        return error.field
    }
}

@Suite("MailMessage")
struct MailMessageTests {
    @Test func rendersTheExpectedBytes() throws {
        var message = sample()
        message.replyTo = MailAddress(displayName: "Support", address: "support@purrpurr.dev")
        message.unsubscribeURL = "https://api.purrpurr.dev/u/tok"
        message.extraHeaders = [("X-Purrpurr-Message-Id", "msg_abc")]
        let rendered = String(decoding: try message.render(), as: UTF8.self)
        #expect(rendered == """
            Date: Sat, 21 Nov 2026 10:00:00 +0000\r
            Message-ID: <msg_abc@mail.purrpurr.dev>\r
            From: Purrpurr <hello@purrpurr.dev>\r
            Reply-To: Support <support@purrpurr.dev>\r
            To: ana@example.com\r
            Subject: Hello\r
            MIME-Version: 1.0\r
            List-Unsubscribe: <https://api.purrpurr.dev/u/tok>\r
            List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
            X-Purrpurr-Message-Id: msg_abc\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            Hi Ana,\r
            bye.\r\n
            """)
    }

    @Test func noUnsubscribeHeadersWithoutURL() throws {
        let rendered = String(decoding: try sample().render(), as: UTF8.self)
        #expect(!rendered.contains("List-Unsubscribe"))
        #expect(!rendered.contains("Reply-To"))
    }

    @Test func everyLineIsCRLFAndWithin998() throws {
        let message = sample(
            subject: String(repeating: "¿Qué? ", count: 124),
            text: String(repeating: "x", count: 5000) + "\n" + String(repeating: "ñ", count: 3000),
            html: "<p>" + String(repeating: "<b>y</b>", count: 2000) + "</p>\r\n")
        let bytes = try message.render()
        #expect(!bytes.isEmpty && bytes.mimeEndsWithCRLF)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
    }

    @Test func subjectRules() {
        #expect(failingField(sample(subject: "")) == "subject")
        #expect(failingField(sample(subject: "   ")) == "subject")
        #expect(failingField(sample(subject: String(repeating: "a", count: 998))) == nil)
        #expect(failingField(sample(subject: String(repeating: "a", count: 999))) == "subject")
        #expect(failingField(sample(subject: String(repeating: "é", count: 500))) == "subject")   // 1000 octets
        #expect(failingField(sample(subject: "  padded  ")) == nil)
    }

    @Test func aBodyIsRequired() {
        #expect(failingField(sample(text: nil, html: nil)) == "text")
        #expect(failingField(sample(text: "", html: nil)) == nil)
    }

    @Test func recipientRules() {
        var message = sample()
        message.to = []
        #expect(failingField(message) == "to")
        message.to = (0..<51).map { MailAddress(address: "r\($0)@example.com") }
        #expect(failingField(message) == "to")
        message.to = (0..<50).map { MailAddress(address: "r\($0)@example.com") }
        #expect(failingField(message) == nil)
        message.to[3] = MailAddress(address: "not an address")
        #expect(failingField(message) == "to.3")
    }

    /// Header injection through every field is refused, naming the field.
    @Test(arguments: ["\r", "\n", "\r\nBcc: victim@example.com", "\u{0085}", "\u{0000}", "\u{2028}", "\t"])
    func injectionIsRefusedInEveryField(control: String) {
        func check(_ field: String, _ change: (inout MailMessage) -> Void) {
            var message = sample()
            change(&message)
            #expect(failingField(message) == field, "field \(field) with \(control.unicodeScalars.map(\.value))")
        }
        check("subject") { $0.subject = "Hi\(control)there" }
        check("subject") { $0.subject = "Hi there\(control)" }
        check("from") { $0.from.displayName = "Purr\(control)purr" }
        check("from") { $0.from.address = "hello@purrpurr.dev\(control)" }
        check("reply_to") { $0.replyTo = MailAddress(displayName: "S\(control)", address: "s@purrpurr.dev") }
        check("reply_to") { $0.replyTo = MailAddress(address: "s\(control)@purrpurr.dev") }
        check("to.0") { $0.to[0].displayName = "\(control)Ana" }
        check("to.1") { $0.to.append(MailAddress(address: "b@example.com\(control)")) }
        check("message_id") { $0.messageID = "msg\(control)@x.dev" }
        check("unsubscribe_url") { $0.unsubscribeURL = "https://x.dev/u\(control)" }
        check("headers") { $0.extraHeaders = [("X-Tag", "a\(control)b")] }
        check("headers") { $0.extraHeaders = [("X-Ta\(control)g", "ab")] }
    }

    @Test func messageIDRules() {
        for bad in ["", "noat", "a@b@c", "<a@b.c>", "a b@c.d", "@b.c", "a@", "ñ@b.c"] {
            var message = sample()
            message.messageID = bad
            #expect(failingField(message) == "message_id", "\(bad)")
        }
    }

    @Test func unsubscribeURLRules() {
        for bad in ["javascript:alert(1)", "mailto:u@x.dev", "https://", "https://x.dev/a b", "https://x.dev/<a>",
                    "https://x.dev/ñ", "https://x.dev/" + String(repeating: "a", count: 900)] {
            var message = sample()
            message.unsubscribeURL = bad
            #expect(failingField(message) == "unsubscribe_url", "\(bad)")
        }
        var message = sample()
        message.unsubscribeURL = "http://localhost:8080/u?t=1"
        #expect(failingField(message) == nil)
    }

    @Test func extraHeadersCannotOverrideOwnHeaders() {
        for name in ["From", "to", "BCC", "Subject", "Content-Type", "List-Unsubscribe", "Bad:Name", "Bad Name", ""] {
            var message = sample()
            message.extraHeaders = [(name, "x")]
            #expect(failingField(message) == "headers", "\(name)")
        }
    }

    @Test func smtpUTF8IsNeededOnlyForNonASCIIAddresses() {
        var message = sample()
        #expect(!message.requiresSMTPUTF8)
        message.from.displayName = "Señora"
        #expect(!message.requiresSMTPUTF8)
        message.to.append(MailAddress(address: "josé@ejemplo.es"))
        #expect(message.requiresSMTPUTF8)
    }

    /// UTF-8 addresses (RFC 6532) go into the header as given; the SMTP layer must then offer SMTPUTF8.
    @Test func internationalAddressesAreKeptAsGiven() throws {
        var message = sample()
        message.to = [try MailAddress(parsing: "José <josé@ejemplo.es>"), try MailAddress(parsing: "info@münchen.de")]
        let rendered = String(decoding: try message.render(), as: UTF8.self)
        #expect(rendered.contains("\r\nTo: =?UTF-8?B?Sm9zw6k=?= <josé@ejemplo.es>, info@münchen.de\r\n"))
    }

    @Test func bodyDotsAreNotStuffed() throws {
        let rendered = String(decoding: try sample(text: ".\n..x\n").render(), as: UTF8.self)
        #expect(rendered.hasSuffix("\r\n\r\n.\r\n..x\r\n"))
    }
}
