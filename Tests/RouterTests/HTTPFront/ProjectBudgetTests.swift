import Foundation
import Testing
@testable import Router

@Suite("Project budgets", .serialized, .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct ProjectBudgetTests {
    private let admin = ["X-Admin-Token": RouterHarness.adminToken]

    /// Requests of `key` to `/v1/whoami` until the first 429; nil if none within `limit`.
    private func exhaust(_ router: RouterHarness, _ key: String, within limit: Int) async throws -> Int? {
        for attempt in 1...limit where try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": key]).status == 429 {
            return attempt
        }
        return nil
    }

    @Test("the publishable and the secret keys have separate buckets, by default with the same numbers")
    func separateBuckets() async throws {
        let router = try await RouterHarness()
        defer { Task { await router.shutdown() } }
        let project = try await router.createProject()
        let patched = try await router.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: admin, body: #"{"rate_limit":{"per_second":1,"burst":5}}"#)
        #expect(patched.status == 200)
        #expect(patched.json["publishable_rate_limit"] is NSNull, "not set: the same numbers as rate_limit")
        let spent = try #require(try await exhaust(router, project.publishable, within: 20))
        #expect(spent == 6, "the publishable bucket holds 5")
        let secret = try await router.send("GET", "/v1/whoami", headers: ["X-API-Key": project.secret])
        #expect(secret.status == 200, "a browser's publishable key cannot push the backend into 429s")
        #expect(secret.header("RateLimit-Limit") == "5" && secret.header("RateLimit-Remaining") == "4")
    }

    @Test("PATCH sets publishable_rate_limit and billing_email; the project JSON and the other replicas reflect them")
    func patch() async throws {
        let router = try await RouterHarness()
        let replica = try await RouterHarness(schema: router.app.schema)
        defer { Task { await router.shutdown(); await replica.shutdown() } }
        let project = try await router.createProject()
        let patched = try await router.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: admin,
            body: #"{"publishable_rate_limit":{"per_second":2,"burst":3},"billing_email":"ops@example.com"}"#)
        #expect(patched.status == 200, "\(patched.text)")
        #expect(patched.json["rate_limit"] is NSNull)
        let publishable = try #require(patched.json["publishable_rate_limit"] as? [String: Any])
        #expect(publishable["per_second"] as? Double == 2 && publishable["burst"] as? Int == 3)
        #expect(patched.json["billing_email"] as? String == "ops@example.com")
        // A later PATCH of the other budget keeps what it does not name.
        let again = try await router.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: admin, body: #"{"rate_limit":{"per_second":50,"burst":60}}"#)
        #expect((again.json["publishable_rate_limit"] as? [String: Any])?["burst"] as? Int == 3)
        #expect(again.json["billing_email"] as? String == "ops@example.com")
        let listed = try await router.send("GET", "/v1/admin/projects", headers: admin)
        let row = try #require((listed.json["data"] as? [[String: Any]])?.first { $0["id"] as? String == project.id })
        #expect((row["rate_limit"] as? [String: Any])?["burst"] as? Int == 60)
        let replicated = try await eventually {
            replica.app.limits.limit(for: project.id, kind: .publishable) == RateLimit(perSecond: 2, burst: 3)
                && replica.app.limits.limit(for: project.id, kind: .secret) == RateLimit(perSecond: 50, burst: 60)
        }
        #expect(replicated, "the other replica learns both budgets (NOTIFY)")
        let bad = try await router.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: admin, body: #"{"billing_email":"nope"}"#)
        #expect(bad.status == 400 && bad.json["field"] as? String == "billing_email")
    }

    private func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
