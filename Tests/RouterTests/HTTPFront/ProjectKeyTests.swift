import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Router projects and keys", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct ProjectKeyTests {
    @Test("a new project's keys work on whoami; publishable keys are refused elsewhere")
    func whoamiAndKinds() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let project = try await router.createProject()
        let whoami = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        #expect(whoami.status == 200)
        #expect(whoami.json["project_id"] as? String == project.id)
        #expect(whoami.json["kind"] as? String == "secret")
        #expect(whoami.header("RateLimit-Limit") == "200")
        let publishable = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.publishable])
        #expect(publishable.json["kind"] as? String == "publishable")
        let forbidden = try await router.send("GET", "/v1/keys", headers: ["X-API-Key": project.publishable])
        #expect(forbidden.status == 403 && forbidden.json["error"] as? String == "FORBIDDEN")
        let missing = try await router.send("GET", "/v1/whoami")
        #expect(missing.status == 401 && missing.json["error"] as? String == "MISSING_API_KEY")
        let invalid = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": "psk_nope"])
        #expect(invalid.status == 401 && invalid.json["error"] as? String == "INVALID_API_KEY")
        let line = try #require(router.logs.lines.last { $0.contains("/v1/whoami") })
        #expect(!line.contains(project.secret) && !line.contains(project.publishable))
    }

    @Test("key lists never show secrets, and a project's key cannot reach another's keys")
    func listAndIsolation() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let a = try await router.createProject("A")
        let b = try await router.createProject("B")
        let list = try await router.send("GET", "/v1/keys", headers: ["X-API-Key": a.secret])
        #expect(list.status == 200)
        let data = try #require(list.json["data"] as? [[String: Any]])
        #expect(data.count == 2)
        #expect(!list.text.contains(a.secret) && !list.text.contains(a.publishable))
        #expect(data.allSatisfy { $0.keys.contains("last_used_at") && $0["key"] == nil })
        let bKeys = try await router.send("GET", "/v1/keys", headers: ["X-API-Key": b.secret])
        let bKeyID = try #require((bKeys.json["data"] as? [[String: Any]])?.first?["id"] as? String)
        let delete = try await router.send("DELETE", "/v1/keys/\(bKeyID)", headers: ["X-API-Key": a.secret])
        #expect(delete.status == 404)
        let rotate = try await router.send("POST", "/v1/keys/\(bKeyID)/rotate", headers: ["X-API-Key": a.secret], body: "{}")
        #expect(rotate.status == 404)
        #expect(try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": b.secret]).status == 200)
    }

    @Test("rotation keeps the old key working for the grace period only")
    func rotation() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let project = try await router.createProject()
        let whoami = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        let oldID = try #require(whoami.json["key_id"] as? String)
        let rotated = try await router.send(
            "POST", "/v1/keys/\(oldID)/rotate", headers: ["X-API-Key": project.secret], body: #"{"grace_seconds":1}"#)
        #expect(rotated.status == 201)
        #expect(rotated.json["replaces"] as? String == oldID)
        #expect(rotated.json["old_expires_at"] is String)
        let newKey = try #require(rotated.json["key"] as? String)
        #expect(try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret]).status == 200)
        #expect(try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": newKey]).status == 200)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret]).status == 401)
        #expect(try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": newKey]).status == 200)
    }

    @Test("a revocation reaches a second replica within one second; a created key too")
    func revocationPropagates() async throws {
        let schema = RouterHarness.uniqueSchema()
        let first = try await RouterHarness(schema: schema)
        let second = try await RouterHarness(schema: schema)
        defer { Task { await first.shutdown(); await second.shutdown() } }
        let project = try await first.createProject()
        let created = try await first.send("POST", "/v1/keys", headers: ["X-API-Key": project.secret], body: #"{"kind":"secret"}"#)
        #expect(created.status == 201)
        let extra = try #require(created.json["key"] as? String)
        let extraID = try #require(created.json["id"] as? String)
        let seen = try await second.timeUntil(status: 200, within: .seconds(1)) {
            try await second.send("GET", "/v1/whoami", headers: ["X-API-Key": extra])
        }
        #expect(seen != nil, "the new key did not reach the second replica within 1 s")
        let deleted = try await first.send("DELETE", "/v1/keys/\(extraID)", headers: ["X-API-Key": project.secret])
        #expect(deleted.status == 204)
        #expect(try await first.send("GET", "/v1/whoami", headers: ["X-API-Key": extra]).status == 401)
        let refused = try await second.timeUntil(status: 401, within: .seconds(1)) {
            try await second.send("GET", "/v1/whoami", headers: ["X-API-Key": extra])
        }
        #expect(refused != nil, "the revocation did not reach the second replica within 1 s")
    }

    @Test("rate limit headers on keyed responses, then 429 with retry_after")
    func rateLimit() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let project = try await router.createProject()
        let patched = try await router.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: ["X-Admin-Token": RouterHarness.adminToken],
            body: #"{"rate_limit":{"per_second":1,"burst":2}}"#)
        #expect(patched.status == 200)
        let one = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        #expect(one.header("RateLimit-Limit") == "2" && one.header("RateLimit-Remaining") == "1")
        _ = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        let refused = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        #expect(refused.status == 429)
        #expect(refused.json["error"] as? String == "RATE_LIMITED")
        #expect(refused.json["retry_after"] as? Int == 1)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.header("RateLimit-Remaining") == "0")
    }

    @Test("Idempotency-Key replays the first response and refuses another body")
    func idempotency() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let headers = ["X-Admin-Token": RouterHarness.adminToken, "Idempotency-Key": "create-1"]
        let first = try await router.send("POST", "/v1/admin/projects", headers: headers, body: #"{"name":"Once"}"#)
        #expect(first.status == 201 && first.header("Idempotent-Replayed") == nil)
        let replay = try await router.send("POST", "/v1/admin/projects", headers: headers, body: #"{"name":"Once"}"#)
        #expect(replay.status == 201 && replay.header("Idempotent-Replayed") == "true")
        #expect(replay.body == first.body)
        let reused = try await router.send("POST", "/v1/admin/projects", headers: headers, body: #"{"name":"Twice"}"#)
        #expect(reused.status == 422 && reused.json["error"] as? String == "IDEMPOTENCY_KEY_REUSED")
        let list = try await router.send("GET", "/v1/admin/projects", headers: ["X-Admin-Token": RouterHarness.adminToken])
        #expect((list.json["data"] as? [Any])?.count == 1)
        let stored = try await router.pool.query("SELECT body FROM \(router.app.schema).idempotency")
        let sealed = try stored[0].decode([UInt8].self, at: 0)
        #expect(!String(decoding: sealed, as: UTF8.self).contains("psk_"))
    }
}
