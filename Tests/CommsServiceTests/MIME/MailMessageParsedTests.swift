import Foundation
import Testing

@testable import CommsService
@testable import PurrpurrTestSupport

/// MIME correctness checked by a real parser: Python's `email` package reads each rendered message back.
@Suite("MailMessage read back by Python's email package", .enabled(if: PythonEmailParser.isAvailable))
struct MailMessageParsedTests {
    fileprivate static let date = Date(timeIntervalSince1970: 1_795_255_200)   // Sat, 21 Nov 2026 10:00:00 +0000

    fileprivate static func message(
        from: MailAddress = MailAddress(displayName: "Purrpurr", address: "hello@purrpurr.dev"),
        to: [MailAddress] = [MailAddress(address: "ana@example.com")],
        subject: String = "Hello", text: String? = "Hi\n", html: String? = nil, unsubscribeURL: String? = nil,
        replyTo: MailAddress? = nil, extraHeaders: [(String, String)] = []
    ) -> MailMessage {
        MailMessage(
            messageID: "msg_abc@mail.purrpurr.dev", date: date, from: from, replyTo: replyTo, to: to,
            subject: subject, text: text, html: html, unsubscribeURL: unsubscribeURL, extraHeaders: extraHeaders)
    }

    /// Renders, parses, and checks what every message must satisfy.
    fileprivate static func roundTrip(_ message: MailMessage) throws -> PythonParsedMail {
        let parsed = try PythonEmailParser.parse(try message.render())
        #expect(parsed.defects == [])
        #expect(parsed.longestLine <= 998)
        #expect(parsed.lineEndsAllCRLF)
        #expect(parsed.subject == message.subject)
        #expect(parsed.from == [.init(name: message.from.displayName ?? "", address: message.from.address)])
        #expect(parsed.to == message.to.map { .init(name: $0.displayName ?? "", address: $0.address) })
        #expect(parsed.messageID == "<msg_abc@mail.purrpurr.dev>")
        #expect(parsed.date == "Sat, 21 Nov 2026 10:00:00 +0000")
        return parsed
    }

    /// Python gives bodies with `\n` line ends; a single part gains a final line end when it had none.
    fileprivate static func expectBody(_ part: PythonParsedMail.Part?, _ expected: String, single: Bool) {
        var want = expected.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if single, !want.hasSuffix("\n"), part?.transferEncoding != "base64" { want += "\n" }
        #expect(part?.body == want)
    }

    @Test func asciiTextOnly() throws {
        let parsed = try Self.roundTrip(Self.message(text: "Hello Ana,\n\nSee you.\n"))
        #expect(parsed.contentType == "text/plain")
        #expect(parsed.parts.count == 1)
        #expect(parsed.parts.first?.charset == "utf-8")
        #expect(parsed.parts.first?.transferEncoding == "7bit")
        Self.expectBody(parsed.parts.first, "Hello Ana,\n\nSee you.\n", single: true)
    }

    @Test func utf8SubjectAndDisplayNames() throws {
        let message = Self.message(
            from: MailAddress(displayName: "Señora Gata 🐱", address: "gata@purrpurr.dev"),
            to: [
                MailAddress(displayName: "José Álvarez", address: "jose@example.com"),
                MailAddress(displayName: "Doe, \"Jane\" \\ Q.", address: "jane@example.com"),
                MailAddress(displayName: "猫の手も借りたい株式会社", address: "neko@example.jp"),
                MailAddress(address: "plain@example.com"),
            ],
            subject: "¡Tu enlace mágico! 🐾 Ünïcödé — " + String(repeating: "日本語のテキスト", count: 12),
            text: "Olá, ¿qué tal? ñandú\n")
        let parsed = try Self.roundTrip(message)
        Self.expectBody(parsed.parts.first, "Olá, ¿qué tal? ñandú\n", single: true)
    }

    /// A name longer than one encoded-word (45 octets) is split between characters. RFC 2047 §6.2 says the
    /// white space between the words is dropped; Python's address parser keeps it, so compare without spaces.
    @Test func displayNameSplitOverSeveralEncodedWords() throws {
        let name = "猫の手も借りたい株式会社のとても長い名前の営業部チーム"
        let rendered = try Self.message(to: [MailAddress(displayName: name, address: "neko@example.jp")]).render()
        let parsed = try PythonEmailParser.parse(rendered)
        #expect(parsed.defects == [])
        #expect(parsed.to.first?.name.replacingOccurrences(of: " ", with: "") == name)
        #expect(parsed.to.first?.address == "neko@example.jp")
    }

    @Test func htmlOnly() throws {
        let html = "<!DOCTYPE html><html><body><p>Hola <b>Ana</b> &amp; café</p></body></html>"
        let parsed = try Self.roundTrip(Self.message(text: nil, html: html))
        #expect(parsed.contentType == "text/html")
        Self.expectBody(parsed.parts.first, html, single: true)
    }

    @Test func alternativeTextThenHTML() throws {
        let text = "Hi Ana\n--\nline with --=_pp_ and =_ inside\n"
        let html = "<p>Hi Ana</p>\n<p>=_pp_</p>"
        let parsed = try Self.roundTrip(Self.message(text: text, html: html))
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])
        Self.expectBody(parsed.parts.first, text, single: false)
        Self.expectBody(parsed.parts.last, html, single: false)
    }

    @Test func longLinesAndAwkwardText() throws {
        let long = String(repeating: "abcdefghij", count: 150)   // 1500 octets, no spaces
        let text = ".starts with a dot\nTrailing spaces   \nTab\tinside\t\n" + long + "\n= equals =3D\n"
            + String(repeating: "é", count: 700) + "\nCR only\rmixed\r\nend"
        let html = "<p>" + String(repeating: "ü", count: 2000) + "</p>"
        let parsed = try Self.roundTrip(Self.message(subject: String(repeating: "word ", count: 190) + "end",
                                                     text: text, html: html))
        #expect(parsed.parts.count == 2)
        Self.expectBody(parsed.parts.first, text, single: false)
        Self.expectBody(parsed.parts.last, html, single: false)
    }

    @Test func mostlyNonASCIIUsesBase64() throws {
        let text = String(repeating: "これは日本語の本文です。", count: 40)
        let parsed = try Self.roundTrip(Self.message(text: text))
        #expect(parsed.parts.first?.transferEncoding == "base64")
        Self.expectBody(parsed.parts.first, text, single: true)
    }

    @Test func unsubscribeReplyToAndExtraHeaders() throws {
        let message = Self.message(
            unsubscribeURL: "https://api.purrpurr.dev/u/abc?token=xyz",
            replyTo: MailAddress(displayName: "Soporte Técnico", address: "support@purrpurr.dev"),
            extraHeaders: [("X-Purrpurr-Message-Id", "msg_abc"), ("X-Note", "café con leche")])
        let parsed = try Self.roundTrip(message)
        #expect(parsed.listUnsubscribe == "<https://api.purrpurr.dev/u/abc?token=xyz>")
        #expect(parsed.listUnsubscribePost == "List-Unsubscribe=One-Click")
        #expect(parsed.replyTo == [.init(name: "Soporte Técnico", address: "support@purrpurr.dev")])
        #expect(parsed.extra["X-Purrpurr-Message-Id"] == "msg_abc")
        #expect(parsed.extra["X-Note"] == "café con leche")
    }

    @Test func asciiSubjectThatLooksEncodedStaysLiteral() throws {
        let parsed = try Self.roundTrip(Self.message(subject: "Try =?UTF-8?B?SGk=?= literally"))
        #expect(parsed.subject == "Try =?UTF-8?B?SGk=?= literally")
    }

    @Test func emptyAndCRLFBodies() throws {
        let parsed = try Self.roundTrip(Self.message(text: "a\r\nb\r\n\r\n", html: ""))
        Self.expectBody(parsed.parts.first, "a\nb\n\n", single: false)
        Self.expectBody(parsed.parts.last, "", single: false)
    }
}
