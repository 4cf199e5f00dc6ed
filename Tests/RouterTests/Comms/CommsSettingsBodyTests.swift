import Foundation
import Testing
import Wire
@testable import Router

@Suite("CommsSettingsBody")
struct CommsSettingsBodyTests {
    private func field(_ text: String) -> String? {
        do {
            _ = try CommsSettingsBody.decode(Array(text.utf8))
            return nil
        } catch let error as RouterError {
            return error.context.first { $0.0 == "field" }.flatMap { if case .string(let f) = $0.1 { f } else { nil } }
        } catch {
            return "?"
        }
    }

    @Test("smtp_url: smtp:// or smtps:// (any case) or empty; anything else is 400 smtp_url")
    func scheme() throws {
        #expect(field(#"{"smtp_url":"smtp://u:p@smtp.example.com:587"}"#) == nil)
        #expect(field(#"{"smtp_url":"SMTPS://smtp.example.com"}"#) == nil)
        #expect(field(#"{"smtp_url":""}"#) == nil)
        #expect(field(#"{"smtp_url":null}"#) == nil)
        #expect(field(#"{"smtp_url":"http://169.254.169.254/"}"#) == "smtp_url")
        #expect(field(#"{"smtp_url":"smtp:/x"}"#) == "smtp_url")
        let long = "smtp://" + String(repeating: "a", count: 2042)
        #expect(field(#"{"smtp_url":"\#(long)"}"#) == "smtp_url")
        #expect(try CommsSettingsBody.decode(Array(#"{"smtp_url":"smtps://x"}"#.utf8)).smtpURL == "smtps://x")
    }

    @Test("the OpenAPI schema states the scheme pattern and the length")
    func schema() throws {
        let text = CommsSettingsBody.schema.serialized
        #expect(text.contains(#"[Ss][Mm][Tt][Pp][Ss]?:\/\/"#) || text.contains("[Ss][Mm][Tt][Pp][Ss]?://"))
        #expect(text.contains("\"maxLength\":2048"))
    }
}
