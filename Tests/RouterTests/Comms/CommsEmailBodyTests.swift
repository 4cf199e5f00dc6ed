import Contracts
import Foundation
import Testing
import Wire
@testable import Router

@Suite("SendEmailBody and the comms routing table")
struct CommsEmailBodyTests {
    private func parse(_ text: String, key: String? = nil) throws -> SendEmailRequest {
        try SendEmailBody.decode(Array(text.utf8)).request(idempotencyKey: key)
    }

    private func field(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as RouterError {
            return error.context.first { $0.0 == "field" }.flatMap { if case .string(let f) = $0.1 { f } else { nil } }
        } catch {
            return "?"
        }
    }

    @Test("one address or up to 50; nulls are absent; the key is carried")
    func recipients() throws {
        #expect(try parse(#"{"to":"a@example.com","subject":"s","html":"<p>h</p>","tags":null}"#).to == ["a@example.com"])
        let fifty = "[" + (1...50).map { #""u\#($0)@example.com""# }.joined(separator: ",") + "]"
        #expect(try parse(#"{"to":\#(fifty),"subject":"s","text":"t"}"#).to.count == 50)
        #expect(try parse(#"{"to":"a@example.com","template_id":"t"}"#, key: "k-1").idempotencyKey == "k-1")
        #expect(field(#"{"to":null,"subject":"s","text":"t"}"#) == "to")
        #expect(field(#"{"to":"a@example.com","template_id":""}"#) == "template_id")
        #expect(field(#"{"to":"a@example.com","subject":"","text":"t"}"#) == "subject")
        #expect(field(#"{"to":"a@example.com","subject":"s","text":""}"#) == "text")
        let eleven = "[" + (1...11).map { #""t\#($0)""# }.joined(separator: ",") + "]"
        #expect(field(#"{"to":"a@example.com","subject":"s","text":"t","tags":\#(eleven)}"#) == "tags")
        let long = String(repeating: "x", count: 65)
        #expect(field(#"{"to":"a@example.com","subject":"s","text":"t","tags":["\#(long)"]}"#) == "tags.0")
        #expect(field(#"{"to":"a@example.com","subject":"s","text":"t","data":{"k":null}}"#) == "data.k")
        #expect(field(#"{"to":"a@example.com","subject":"s","text":"t","reply_to":false}"#) == "reply_to")
    }

    @Test("send_at is RFC 3339 with an offset, with or without fractions")
    func sendAt() {
        let instant = Date(timeIntervalSince1970: 1_893_546_245)
        #expect(SendEmailBody.rfc3339("2030-01-02T01:04:05Z") == instant)
        #expect(SendEmailBody.rfc3339("2030-01-02t01:04:05z") == instant)
        #expect(SendEmailBody.rfc3339("2030-01-02T03:04:05+02:00") == instant)
        #expect(abs((SendEmailBody.rfc3339("2030-01-02T01:04:05.5Z")?.timeIntervalSince1970 ?? 0) - 1_893_546_245.5) < 0.001)
        for bad in ["2030-01-02", "2030-01-02T01:04:05", "tomorrow", "", "2030-13-02T01:04:05Z"] {
            #expect(SendEmailBody.rfc3339(bad) == nil, "\(bad)")
        }
    }

    @Test("every comms route of the contract is served, for secret keys only, and documented")
    func table() throws {
        let routes = try RouterRoutes.documentation()
        let comms = routes.filter { $0.path.text.hasPrefix("/v1/comms") }
        let served = Set(comms.map { "\($0.method.rawValue) \($0.path.text)" })
        #expect(served == [
            "POST /v1/comms/email", "GET /v1/comms/messages/{id}", "GET /v1/comms/messages",
            "POST /v1/comms/templates", "GET /v1/comms/templates", "GET /v1/comms/suppressions",
            "DELETE /v1/comms/suppressions/{email}", "GET /v1/comms/settings", "PUT /v1/comms/settings",
            "POST /v1/comms/domains", "GET /v1/comms/domains", "GET /v1/comms/domains/{id}",
            "POST /v1/comms/domains/{id}/verify", "DELETE /v1/comms/domains/{id}",
            "GET /v1/comms/whatsapp/settings", "PUT /v1/comms/whatsapp/settings", "POST /v1/comms/whatsapp/instances",
            "GET /v1/comms/whatsapp/instances", "GET /v1/comms/whatsapp/instances/{id}",
            "POST /v1/comms/whatsapp/instances/{id}/connect", "DELETE /v1/comms/whatsapp/instances/{id}",
            "POST /v1/comms/whatsapp/messages",
        ])
        #expect(comms.allSatisfy { $0.auth == .secretKey })
        #expect(comms.filter(\.idempotent).map(\.path.text).sorted() == [
            "/v1/comms/domains", "/v1/comms/email", "/v1/comms/templates", "/v1/comms/whatsapp/instances",
            "/v1/comms/whatsapp/messages",
        ])
        let document = OpenAPIDocument.make(routes)
        let paths = try #require(document["paths"])
        for route in comms {
            #expect(paths[route.path.text]?[route.method.rawValue.lowercased()] != nil, "\(route.path.text)")
        }
    }
}
