import Foundation
import Testing

@testable import CommsService
@testable import PurrpurrTestSupport

@Suite("BuiltInTemplates")
struct BuiltInTemplatesTests {
    fileprivate static let data = [
        "link": "https://app.example.com/auth?token=abc&type=magiclink", "code": "123456",
        "email": "ana@example.com", "expires_minutes": "15",
    ]
    fileprivate static let withLink = ["identity.magiclink", "identity.recovery", "identity.confirmation"]
    fileprivate static let codeOnly = ["identity.magiclink.code", "identity.recovery.code", "identity.confirmation.code"]

    @Test func namesAndVariables() throws {
        #expect(BuiltInTemplates.names == (Self.withLink + Self.codeOnly).sorted())
        for name in Self.withLink {
            #expect(BuiltInTemplates.template(named: name)?.variables == ["code", "email", "expires_minutes", "link"])
        }
        for name in Self.codeOnly {
            #expect(BuiltInTemplates.template(named: name)?.variables == ["code", "email", "expires_minutes"])
        }
        #expect(BuiltInTemplates.template(named: "identity.unknown") == nil)
    }

    @Test(arguments: withLink)
    func rendersIntoAValidMessage(name: String) throws {
        let (text, html) = try Self.render(name, Self.data)
        #expect(text.contains(Self.data["link"]!))
        #expect(html.contains("https://app.example.com/auth?token=abc&amp;type=magiclink"))
        #expect(text.contains("Or enter this code: 123456") && html.contains("123456"))
    }

    @Test("a code-only template renders without a link: no URL, no link or click wording, a sentence asking for the code",
          arguments: codeOnly)
    func codeOnlyRendersWithoutALink(name: String) throws {
        var data = Self.data
        data["link"] = nil
        let (text, html) = try Self.render(name, data)
        for body in [text, html] {
            #expect(body.contains("enter this code"))
            #expect(!body.contains("http"))
            #expect(!body.lowercased().contains("link"))
            #expect(!body.lowercased().contains("click"))
            #expect(!body.lowercased().contains("button"))
        }
        #expect(text.contains("\n\n123456\n\n"))
        #expect(!html.contains("<a "))
    }

    /// Renders `name` with `data`, checks what every built-in email needs, and returns its text and HTML bodies.
    fileprivate static func render(_ name: String, _ data: [String: String]) throws -> (text: String, html: String) {
        let template = try #require(BuiltInTemplates.template(named: name))
        let filled = try template.render(data)
        let text = try #require(filled.text)
        let html = try #require(filled.html)
        #expect(text.contains("15 minutes") && html.contains("15 minutes"))
        #expect(text.contains("123456") && html.contains("123456"))
        #expect(!text.contains("{{") && !html.contains("{{"))
        let message = Self.message(subject: filled.subject, text: text, html: html)
        let bytes = try message.render()
        #expect(String(decoding: bytes, as: UTF8.self).contains("multipart/alternative"))
        return (text, html)
    }

    fileprivate static func message(subject: String, text: String, html: String) -> MailMessage {
        MailMessage(
            messageID: "m1@mail.purrpurr.dev", date: Date(), from: MailAddress(address: "no-reply@purrpurr.dev"),
            to: [MailAddress(address: "ana@example.com")], subject: subject, text: text, html: html)
    }
}

/// Both shapes of the identity emails as a mail client sees them: Python's `email` package reads the rendered
/// message back.
@Suite("Identity emails read back by Python's email package", .enabled(if: PythonEmailParser.isAvailable))
struct BuiltInTemplatesParsedTests {
    /// The parsed text and HTML parts of `name` rendered with `data`.
    private func parts(_ name: String, _ data: [String: String]) throws -> (text: String, html: String) {
        let filled = try #require(BuiltInTemplates.template(named: name)).render(data)
        let message = BuiltInTemplatesTests.message(subject: filled.subject, text: filled.text!, html: filled.html!)
        let parsed = try PythonEmailParser.parse(try message.render())
        #expect(parsed.defects == [])
        #expect(parsed.subject == filled.subject)
        #expect(parsed.contentType == "multipart/alternative")
        let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.body)
        let html = try #require(parsed.parts.first { $0.contentType == "text/html" }?.body)
        return (text, html)
    }

    @Test("with a link: the link (the HTML's button too) and the code")
    func withLink() throws {
        let (text, html) = try parts("identity.magiclink", BuiltInTemplatesTests.data)
        #expect(text.contains("https://app.example.com/auth?token=abc&type=magiclink"))
        #expect(html.contains(#"href="https://app.example.com/auth?token=abc&amp;type=magiclink""#))
        #expect(text.contains("Or enter this code: 123456"))
    }

    @Test("code alone: the code and a sentence asking to enter it; no URL, link or click wording")
    func codeAlone() throws {
        var data = BuiltInTemplatesTests.data
        data["link"] = nil
        let (text, html) = try parts("identity.magiclink.code", data)
        #expect(text.contains("To sign in as ana@example.com, enter this code where you asked to sign in:\n\n123456\n"))
        #expect(html.contains("enter this code") && html.contains("123456"))
        for body in [text, html] {
            #expect(!body.contains("http") && !body.contains("href"))
            #expect(!body.lowercased().contains("link") && !body.lowercased().contains("click"))
        }
    }
}
