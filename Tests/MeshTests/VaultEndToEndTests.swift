import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Documents through the whole mesh as `purrpurr up` starts it: the Router, VaultService and PostgreSQL.
@Suite("Vault end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct VaultEndToEndTests {
    @Test("create a collection, insert a batch, list with a filter and a cursor, rules for a publishable key, 412, the admin view",
          .timeLimit(.minutes(3)))
    func collectionsAndDocuments() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let project = try await mesh.createProject()
            let key = project.secretKey
            let created = try await mesh.http(
                "POST", "/v1/vault/collections", key: key,
                body: ["name": "orders", "rules": ["read": "public", "create": "authenticated"]])
            #expect(created.status == 201, "\(created.json)")
            let batch = (1...5).map { ["id": "o\($0)", "data": ["total": $0 * 50, "customer": ["city": $0 % 2 == 0 ? "Lima" : "Cusco"]]] }
            let inserted = try await mesh.http(
                "POST", "/v1/vault/collections/orders/documents", key: key,
                rawBody: try JSONSerialization.data(withJSONObject: batch))
            #expect(inserted.status == 201 && (inserted.json["data"] as? [Any])?.count == 5, "\(inserted.json)")

            let path = "/v1/vault/collections/orders/documents?total=gte.100&customer.city=in.(Lima,Cusco)&order=total.desc&limit=2&count=exact"
            let first = try await mesh.http("GET", path, key: key)
            let ids = (first.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(first.status == 200 && ids == ["o5", "o4"] && first.json["total"] as? Int == 4, "\(first.json)")
            let cursor = try #require(first[string: "next_cursor"])
            let escaped = try #require(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let second = try await mesh.http("GET", path + "&cursor=" + escaped, key: key)
            #expect((second.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } == ["o3", "o2"])

            let anonymous = try await mesh.http("GET", "/v1/vault/collections/orders/documents/o1", key: project.publishableKey)
            #expect(anonymous.status == 200 && anonymous.headers["etag"] == "\"1\"")
            let refused = try await mesh.http(
                "POST", "/v1/vault/collections/orders/documents", key: project.publishableKey, body: ["data": ["total": 1]])
            #expect(refused.status == 401 && refused[string: "error"] == "INVALID_TOKEN")
            let managed = try await mesh.http("GET", "/v1/vault/collections", key: project.publishableKey)
            #expect(managed.status == 403)

            let patched = try await mesh.http(
                "PATCH", "/v1/vault/collections/orders/documents/o1", key: key, body: ["data": ["note": "rush"]],
                headers: ["If-Match": "\"1\""])
            #expect(patched.status == 200 && patched.headers["etag"] == "\"2\"")
            let stale = try await mesh.http(
                "PATCH", "/v1/vault/collections/orders/documents/o1", key: key, body: ["data": ["note": "late"]],
                headers: ["If-Match": "\"1\""])
            #expect(stale.status == 412 && stale.json["current_version"] as? Int == 2)

            let tenant = try await mesh.http("GET", "/v1/admin/projects/\(project.id)/vault", admin: true)
            #expect(tenant.status == 200 && tenant[string: "tier"] == "shared" && tenant.json["documents"] as? Int == 5)
            try await isolation(mesh, owner: project)
        } catch {
            Issue.record("vault log: \(mesh.log("vault").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    /// Every vault route, called with another project's keys on this project's names and ids: 404 (403 for a
    /// publishable key on the secret-only collection routes), and nothing of it changes.
    private func isolation(_ mesh: LocalMesh, owner: MeshProject) async throws {
        let other = try await mesh.createProject("other")
        let one = "/v1/vault/collections/orders/documents/o1"
        let routes: [(method: String, path: String, body: [String: Any]?, secretOnly: Bool)] = [
            ("GET", "/v1/vault/collections/orders", nil, true),
            ("PATCH", "/v1/vault/collections/orders", ["rules": ["read": "public"]], true),
            ("DELETE", "/v1/vault/collections/orders", nil, true),
            ("POST", "/v1/vault/collections/orders/documents", ["id": "o9", "data": [:]], false),
            ("GET", "/v1/vault/collections/orders/documents?total=gt.0", nil, false),
            ("GET", one, nil, false), ("PATCH", one, ["data": ["x": 1]], false), ("PUT", one, ["data": ["x": 1]], false),
            ("DELETE", one, nil, false),
        ]
        for key in [other.secretKey, other.publishableKey] {
            for route in routes {
                let answer = try await mesh.http(route.method, route.path, key: key, body: route.body)
                let expected = key == other.publishableKey && route.secretOnly ? 403 : 404
                #expect(answer.status == expected, "\(route.method) \(route.path): \(answer.json)")
            }
        }
        let listed = try await mesh.http("GET", "/v1/vault/collections", key: other.secretKey)
        #expect(listed.status == 200 && (listed.json["data"] as? [Any])?.isEmpty == true)
        let mine = try await mesh.http("GET", one, key: owner.secretKey)
        #expect(mine.status == 200 && mine.headers["etag"] == "\"2\"")
        let collection = try await mesh.http("GET", "/v1/vault/collections/orders", key: owner.secretKey)
        #expect(collection.json["document_count"] as? Int == 5)
    }
}
