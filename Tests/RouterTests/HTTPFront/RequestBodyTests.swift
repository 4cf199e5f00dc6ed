import Foundation
import Testing
import Wire
@testable import Router

/// Body types decode once, and their schema states the same limits their decoding checks.
@Suite("Request bodies")
struct RequestBodyTests {
    private func field(_ body: String) -> String? {
        do {
            _ = try PatchProjectBody.decode(Array(body.utf8))
            return nil
        } catch let error as RouterError {
            guard error.code == "VALIDATION_FAILED" else { return error.code }
            return error.context.first { $0.0 == "field" }.flatMap { if case .string(let f) = $0.1 { f } else { nil } }
        } catch {
            return "?"
        }
    }

    @Test("invalid JSON is MALFORMED_JSON; missing, mistyped and out-of-limit fields name their dotted path")
    func errors() throws {
        #expect(field(#"{"rate_limit":"#) == "MALFORMED_JSON")
        #expect(field(#"{"rate_limit":{"per_second":5,"burst":10}}"#) == nil)
        #expect(field("") == nil, "every member of the PATCH is optional")
        #expect(field(#"{"rate_limit":null,"billing_email":"ops@example.com"}"#) == nil)
        #expect(field(#"{"billing_email":"not an email"}"#) == "billing_email")
        #expect(field(#"{"publishable_rate_limit":{"per_second":5}}"#) == "publishable_rate_limit.burst")
        #expect(field("[1]") == "body")
        #expect(field(#"{"rate_limit":{"burst":10}}"#) == "rate_limit.per_second")
        #expect(field(#"{"rate_limit":{"per_second":"5","burst":10}}"#) == "rate_limit.per_second")
        #expect(field(#"{"rate_limit":{"per_second":5,"burst":100001}}"#) == "rate_limit.burst")
        #expect(field(#"{"rate_limit":{"per_second":0,"burst":1}}"#) == "rate_limit.per_second")
        #expect(try PatchProjectBody.decode(Array(#"{"rate_limit":{"per_second":7,"burst":9}}"#.utf8)).rateLimit?.burst == 9)
    }

    @Test("the schema states the limits the decoding checks")
    func schemaFromTheSameDeclaration() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(with: Data(PatchProjectBody.schema.serialized.utf8)) as? [String: Any])
        #expect((schema["required"] as? [String] ?? []).isEmpty)
        let nullable = try #require((schema["properties"] as? [String: Any])?["rate_limit"] as? [String: Any])
        let limit = try #require((nullable["anyOf"] as? [[String: Any]])?.first)
        let burst = try #require((limit["properties"] as? [String: Any])?["burst"] as? [String: Any])
        #expect(burst["minimum"] as? Int == 1 && burst["maximum"] as? Int == 100_000)
        let name = try #require(
            ((try JSONSerialization.jsonObject(with: Data(CreateProjectBody.schema.serialized.utf8)) as? [String: Any])?[
                "properties"] as? [String: Any])?["name"] as? [String: Any])
        #expect(name["minLength"] as? Int == 1 && name["maxLength"] as? Int == 200 && name["pattern"] as? String == #"\S"#)
        #expect(try CreateProjectBody.decode(Array(#"{"name":"  Acme \u00a0"}"#.utf8)).name == "Acme")
        #expect(throws: RouterError.self) { try CreateProjectBody.decode(Array(#"{"name":" \u3000 "}"#.utf8)) }
        #expect(throws: RouterError.self) { try CreateProjectBody.decode(Array(#"{"name":""}"#.utf8)) }
    }
}
