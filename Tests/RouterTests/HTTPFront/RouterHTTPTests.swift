import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Router HTTP front", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct RouterHTTPTests {
    private let admin = ["X-Admin-Token": RouterHarness.adminToken]

    @Test("errors have the contract's shape; request ids are echoed or generated")
    func errorShapeAndRequestID() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let echoed = try await router.send("GET", "/nope", headers: ["X-Request-Id": "abc-123"])
        #expect(echoed.status == 404)
        #expect(echoed.header("X-Request-Id") == "abc-123")
        #expect(echoed.json["error"] as? String == "NOT_FOUND")
        #expect(echoed.json["request_id"] as? String == "abc-123")
        #expect(echoed.json["message"] is String)
        let long = try await router.send("GET", "/nope", headers: ["X-Request-Id": String(repeating: "x", count: 129)])
        let generated = try #require(long.header("X-Request-Id"))
        #expect(generated.hasPrefix("req_"))
        #expect(long.json["request_id"] as? String == generated)
        let health = try await router.send("GET", "/healthz")
        #expect(health.status == 200 && health.text == #"{"status":"ok"}"#)
        let ready = try await router.send("GET", "/readyz")
        #expect(ready.text == #"{"status":"ok","services":{}}"#)
        let line = try #require(router.logs.lines.last { $0.contains("abc-123") })
        #expect(line.contains("unmatched") && line.contains("404"))
    }

    @Test("404, 405 with Allow, 415, malformed JSON and validation")
    func routingAndBodies() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let wrongMethod = try await router.send("PUT", "/v1/keys")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, POST")
        #expect(wrongMethod.json["error"] as? String == "METHOD_NOT_ALLOWED")
        let text = try await router.send("POST", "/v1/admin/projects", headers: admin, body: "{}", contentType: "text/plain")
        #expect(text.status == 415 && text.json["error"] as? String == "UNSUPPORTED_MEDIA_TYPE")
        let malformed = try await router.send("POST", "/v1/admin/projects", headers: admin, body: "{nope")
        #expect(malformed.status == 400 && malformed.json["error"] as? String == "MALFORMED_JSON")
        let missing = try await router.send("POST", "/v1/admin/projects", headers: admin, body: #"{"title":"x"}"#)
        #expect(missing.status == 400 && missing.json["error"] as? String == "VALIDATION_FAILED")
        #expect(missing.json["field"] as? String == "name")
    }

    @Test("wrong admin tokens are limited per client address; the right token is never slowed by them")
    func wrongAdminTokensLimited() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let wrong = ["X-Admin-Token": String(repeating: "b", count: 40)]
        var refusal: TestHTTPClient.Response?
        for _ in 0..<(router.app.wrongAdminTokenLimit.burst + 5) {
            let response = try await router.send("GET", "/v1/admin/projects", headers: wrong)
            if response.status == 429 { refusal = response; break }
            #expect(response.status == 401 && response.json["error"] as? String == "INVALID_ADMIN_TOKEN")
        }
        let refused = try #require(refusal)
        #expect(refused.json["error"] as? String == "RATE_LIMITED" && refused.header("Retry-After") != nil)
        for _ in 0..<20 {
            #expect(try await router.send("GET", "/v1/admin/projects", headers: admin).status == 200)
        }
    }

    @Test("admin routes need the admin token")
    func adminAuth() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let none = try await router.send("GET", "/v1/admin/projects")
        #expect(none.status == 401 && none.json["error"] as? String == "INVALID_ADMIN_TOKEN")
        let wrong = try await router.send("GET", "/v1/admin/projects", headers: ["X-Admin-Token": String(repeating: "b", count: 40)])
        #expect(wrong.status == 401 && wrong.json["error"] as? String == "INVALID_ADMIN_TOKEN")
        _ = try await router.createProject()
        let list = try await router.send("GET", "/v1/admin/projects", headers: admin)
        #expect(list.status == 200)
        #expect((list.json["data"] as? [Any])?.count == 1)
        #expect(list.json.keys.contains("next_cursor"))
    }

    @Test("metrics count requests by route and status")
    func metrics() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        _ = try await router.send("GET", "/nope")
        let metrics = router.app.metrics.registry.render()  // served on its own listener (MetricsListenerTests)
        #expect(metrics.contains(#"router_http_requests_total{method="GET",route="unmatched",status="404"} 1"#))
    }
}
