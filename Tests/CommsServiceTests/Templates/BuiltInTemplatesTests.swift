import Foundation
import Testing

@testable import CommsService

@Suite("BuiltInTemplates")
struct BuiltInTemplatesTests {
    fileprivate static let data = [
        "link": "https://app.example.com/auth?token=abc&type=magiclink", "code": "123456",
        "email": "ana@example.com", "expires_minutes": "15",
    ]

    @Test func namesAndVariables() throws {
        #expect(BuiltInTemplates.names == ["identity.confirmation", "identity.magiclink", "identity.recovery"])
        #expect(BuiltInTemplates.template(named: "identity.magiclink")?.variables
            == ["code", "email", "expires_minutes", "link"])
        #expect(BuiltInTemplates.template(named: "identity.recovery")?.variables
            == ["code", "email", "expires_minutes", "link"])
        #expect(BuiltInTemplates.template(named: "identity.confirmation")?.variables
            == ["email", "expires_minutes", "link"])
        #expect(BuiltInTemplates.template(named: "identity.unknown") == nil)
    }

    @Test(arguments: ["identity.magiclink", "identity.recovery", "identity.confirmation"])
    func rendersIntoAValidMessage(name: String) throws {
        let template = try #require(BuiltInTemplates.template(named: name))
        let filled = try template.render(Self.data)
        let text = try #require(filled.text)
        let html = try #require(filled.html)
        #expect(text.contains(Self.data["link"]!))
        #expect(html.contains("https://app.example.com/auth?token=abc&amp;type=magiclink"))
        #expect(text.contains("15 minutes") && html.contains("15"))
        if template.variables.contains("code") { #expect(text.contains("123456") && html.contains("123456")) }
        #expect(!text.contains("{{") && !html.contains("{{"))
        let message = MailMessage(
            messageID: "m1@mail.purrpurr.dev", date: Date(), from: MailAddress(address: "no-reply@purrpurr.dev"),
            to: [MailAddress(address: "ana@example.com")], subject: filled.subject, text: text, html: html)
        let bytes = try message.render()
        #expect(String(decoding: bytes, as: UTF8.self).contains("multipart/alternative"))
    }
}
