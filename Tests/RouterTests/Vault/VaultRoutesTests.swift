import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("Router /v1/vault routes over Wire", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct VaultRoutesTests {
    @Test("collections: secret key only; bodies checked at the edge; statuses and shapes of the contract")
    func collections() async throws {
        let fixture = try await VaultFixture()
        let created = try await fixture.send("POST", "/v1/vault/collections", body: #"{"name":"items","rules":{"read":"public"}}"#)
        #expect(created.status == 201 && created.json["name"] as? String == "items")
        let request = try #require(fixture.vault.calls.last?.request as? CreateCollectionRequest)
        #expect(request.rules == CollectionRules(read: .public))
        #expect(fixture.vault.calls.last?.context.keyKind == "secret")
        #expect(fixture.vault.calls.last?.context.projectID == fixture.project.id)
        for (body, field) in [(#"{"name":"Bad"}"#, "name"), (#"{"name":"ok","rules":{"read":"everyone"}}"#, "rules.read"),
                              (#"{"name":"ok","indexes":[{"fields":"a"}]}"#, "indexes.0.fields"),
                              (#"{"name":"ok","indexes":[{"fields":[]}]}"#, "indexes.0.fields"),
                              (#"{"name":"ok","indexes":[{"fields":["a"],"sparse":true}]}"#, "indexes.0.sparse"),
                              (#"{"name":"ok","indexes":[{"fields":[1]}]}"#, "indexes.0.fields.0"),
                              (#"{"name":"ok","indexes":{}}"#, "indexes"), ("{}", "name")] {
            let refused = try await fixture.send("POST", "/v1/vault/collections", body: body)
            #expect(refused.status == 400 && refused.json["field"] as? String == field, "\(body)")
        }
        let indexed = try await fixture.send(
            "POST", "/v1/vault/collections", body: #"{"name":"idx","indexes":[{"fields":["status","-created_at"],"unique":true}]}"#)
        #expect(indexed.status == 201)
        let withIndexes = try #require(fixture.vault.calls.last?.request as? CreateCollectionRequest)
        #expect(withIndexes.indexes == [CollectionIndex(fields: ["status", "-created_at"], unique: true)])
        let publishable = try await fixture.send("GET", "/v1/vault/collections", key: fixture.project.publishable)
        #expect(publishable.status == 403 && publishable.json["error"] as? String == "FORBIDDEN")
        let list = try await fixture.send("GET", "/v1/vault/collections")
        #expect(list.status == 200 && (list.json["data"] as? [Any])?.count == 1)
        #expect(try await fixture.send("PATCH", "/v1/vault/collections/items", body: #"{"indexes":[{"fields":["a"]}]}"#).status == 200)
        #expect((fixture.vault.calls.last?.request as? UpdateCollectionRequest)?.indexes == [CollectionIndex(fields: ["a"])])
        let patched = try await fixture.send("PATCH", "/v1/vault/collections/items", body: #"{"rules":{"create":"owner"}}"#)
        #expect(patched.status == 200)
        let update = try #require(fixture.vault.calls.last?.request as? UpdateCollectionRequest)
        #expect(update.rules == CollectionRulesChange(create: .owner))
        #expect(patched.json["rules"] as? [String: String] == ["read": "public", "create": "owner", "update": "none", "delete": "none"])
        #expect(try await fixture.send("DELETE", "/v1/vault/collections/items").status == 204)
        #expect(try await fixture.send("GET", "/v1/vault/collections/nope").status == 404)
        await fixture.shutdown()
    }

    @Test("documents: raw JSON kept to the last digit, ETag, 201 on create, 412 with current_version, If-Match parsed")
    func documents() async throws {
        let fixture = try await VaultFixture()
        let base = "/v1/vault/collections/items/documents"
        let one = try await fixture.send("POST", base, body: #"{"data":{"n":1e400}}"#)
        #expect(one.status == 201 && one.header("ETag") == "\"7\"")
        #expect(one.text.contains("12345678901234567890123"))
        #expect((fixture.vault.calls.last?.request as? CreateDocumentsRequest)?.body == #"{"data":{"n":1e400}}"#)
        let batch = try await fixture.send("POST", base, body: #"[{"data":{}},{"data":{}}]"#)
        #expect(batch.status == 201 && (batch.json["data"] as? [Any])?.count == 2)
        let get = try await fixture.send("GET", base + "/d1")
        #expect(get.status == 200 && get.header("ETag") == "\"7\"" && get.json["version"] as? Int == 7)
        let stale = try await fixture.send("PATCH", base + "/d1", body: #"{"data":{}}"#, headers: ["If-Match": "\"1\""])
        #expect(stale.status == 412 && stale.json["error"] as? String == "VERSION_MISMATCH" && stale.json["current_version"] as? Int == 2)
        let badMatch = try await fixture.send("DELETE", base + "/d1", headers: ["If-Match": "W/\"3\""])
        #expect(badMatch.status == 400 && badMatch.json["field"] as? String == "If-Match")
        #expect(try await fixture.send("PUT", base + "/new", body: #"{"data":{}}"#).status == 201)
        #expect(try await fixture.send("PUT", base + "/d1", body: #"{"data":{}}"#, headers: ["If-Match": "\"7\""]).status == 200)
        let write = try #require(fixture.vault.calls.last?.request as? WriteDocumentRequest)
        #expect(write.mode == .replace && write.document.ifMatch == 7 && write.document.id == "d1")
        #expect(try await fixture.send("DELETE", base + "/d1").status == 204)
        let invalidUTF8 = try await fixture.router.client.sendBytes("POST", base, headers: ["X-API-Key": fixture.project.secret], body: [0x7b, 0xff, 0x7d])
        #expect(invalidUTF8.status == 400 && invalidUTF8.json["error"] as? String == "MALFORMED_JSON")
        await fixture.shutdown()
    }

    @Test("lists: every other parameter is a filter (repeats kept, decoded), limit checked, count=exact adds total")
    func lists() async throws {
        let fixture = try await VaultFixture()
        let base = "/v1/vault/collections/items/documents"
        let page = try await fixture.send(
            "GET", base + "?status=eq.paid&total=gte.100&total=lt.200&customer.city=in.(Lima,Cusco)&na%22me=ilike.*an+a*&limit=5&order=total.desc&count=exact&cursor=abc")
        #expect(page.status == 200 && page.json["next_cursor"] as? String == "c2" && page.json["total"] as? Int == 41)
        let request = try #require(fixture.vault.calls.last?.request as? ListDocumentsRequest)
        #expect(request.filters.map { [$0.field, $0.expression] } == [
            ["status", "eq.paid"], ["total", "gte.100"], ["total", "lt.200"], ["customer.city", "in.(Lima,Cusco)"],
            ["na\"me", "ilike.*an a*"],
        ])
        #expect(request.limit == 5 && request.order == "total.desc" && request.countExact && request.cursor == "abc")
        for target in ["?limit=0", "?limit=201", "?limit=x", "?count=planned"] {
            let refused = try await fixture.send("GET", base + target)
            #expect(refused.status == 400, "\(target)")
        }
        let plain = try await fixture.send("GET", base)
        #expect(plain.status == 200 && plain.json["total"] == nil)
        await fixture.shutdown()
    }

    @Test("documents take a publishable key: the key kind and the verified user reach the vault; a bad bearer is 401 at the edge")
    func publishableAndBearer() async throws {
        let fixture = try await VaultFixture()
        let base = "/v1/vault/collections/items/documents"
        let anonymous = try await fixture.send("GET", base, key: fixture.project.publishable)
        #expect(anonymous.status == 200)
        #expect(fixture.vault.calls.last?.context.keyKind == "publishable" && fixture.vault.calls.last?.context.subject == nil)
        let signedIn = try await fixture.send("GET", base, key: fixture.project.publishable, token: try fixture.token(sub: "usr_9"))
        #expect(signedIn.status == 200 && fixture.vault.calls.last?.context.subject == "usr_9")
        let calls = fixture.vault.calls.count
        let forged = try await fixture.send("GET", base, key: fixture.project.publishable, token: "not.a.token")
        #expect(forged.status == 401 && forged.json["error"] as? String == "INVALID_TOKEN" && fixture.vault.calls.count == calls)
        let needsUser = try await fixture.send("GET", "/v1/vault/collections/users/documents", key: fixture.project.publishable)
        #expect(needsUser.status == 401 && needsUser.json["error"] as? String == "INVALID_TOKEN")
        let secretWithJunk = try await fixture.send("GET", base, token: "ignored")
        #expect(secretWithJunk.status == 200 && fixture.vault.calls.last?.context.keyKind == "secret")
        #expect(fixture.vault.calls.last?.context.subject == nil)
        #expect(try await fixture.send("GET", base, key: "ppk_bogus").status == 401)
        let admin = try await fixture.router.send(
            "GET", "/v1/admin/projects/\(fixture.project.id)/vault", headers: ["X-Admin-Token": RouterHarness.adminToken])
        #expect(admin.status == 200 && admin.json["tier"] as? String == "shared" && admin.json["move"] is NSNull)
        #expect((fixture.vault.calls.last?.request as? TenantRequest)?.projectID == fixture.project.id)
        let migrations = try await fixture.router.send("GET", "/v1/admin/vault/migrations", headers: ["X-Admin-Token": RouterHarness.adminToken])
        #expect(migrations.status == 200 && migrations.json["latest"] as? Int == 2)
        #expect(migrations.json["tenants"] as? [String: Int] == ["applied": 3, "pending": 1, "failed": 1])
        #expect((migrations.json["failures"] as? [[String: Any]])?.first?["project_id"] as? String == "prj_x")
        #expect(try await fixture.send("GET", "/v1/admin/vault/migrations").status == 401)
        let adminHeaders = ["X-Admin-Token": RouterHarness.adminToken]
        let move = try await fixture.router.send(
            "POST", "/v1/admin/projects/\(fixture.project.id)/vault/move", headers: adminHeaders, body: #"{"tier":"dedicated"}"#)
        #expect(move.status == 202 && (move.json["move"] as? [String: Any])?["state"] as? String == "copying", "\(move.json)")
        #expect((fixture.vault.calls.last?.request as? MoveTenantRequest) == MoveTenantRequest(projectID: fixture.project.id, tier: "dedicated"))
        let badTier = try await fixture.router.send(
            "POST", "/v1/admin/projects/\(fixture.project.id)/vault/move", headers: adminHeaders, body: #"{"tier":"gold"}"#)
        #expect(badTier.status == 400 && badTier.json["field"] as? String == "tier")
        await fixture.shutdown()
    }

    @Test("POST documents honours Idempotency-Key, per key kind and user: another user's same key is not a replay")
    func idempotency() async throws {
        let fixture = try await VaultFixture()
        let base = "/v1/vault/collections/items/documents"
        let body = #"{"data":{"n":1}}"#
        let key = ["Idempotency-Key": "k-1"]
        let ana = try fixture.token(sub: "usr_ana")
        let first = try await fixture.send("POST", base, key: fixture.project.publishable, token: ana, body: body, headers: key)
        let replay = try await fixture.send("POST", base, key: fixture.project.publishable, token: ana, body: body, headers: key)
        #expect(first.status == 201 && replay.status == 201 && replay.header("Idempotent-Replayed") == "true")
        #expect(fixture.vault.calls.filter { $0.method == "CreateDocuments" }.count == 1)
        let bo = try await fixture.send(
            "POST", base, key: fixture.project.publishable, token: try fixture.token(sub: "usr_bo"), body: body, headers: key)
        let secret = try await fixture.send("POST", base, body: body, headers: key)
        #expect(bo.header("Idempotent-Replayed") == nil && secret.header("Idempotent-Replayed") == nil)
        #expect(fixture.vault.calls.filter { $0.method == "CreateDocuments" }.map(\.context.subject) == ["usr_ana", "usr_bo", nil])
        let reused = try await fixture.send("POST", base, body: #"{"data":{"n":2}}"#, headers: key)
        #expect(reused.status == 422)
        await fixture.shutdown()
    }

    @Test("backup downloads: one page whole, longer ones chunked page by page, errors as JSON before any byte, a failure cuts the body")
    func downloads() async throws {
        let fixture = try await VaultFixture()
        let small = try await fixture.send("GET", "/v1/vault/backups/bkp_small/download")
        #expect(small.status == 200 && small.header("Content-Type") == "application/x-ndjson")
        #expect(small.header("Content-Length") == "\(small.body.count)" && small.text == "{\"type\":\"collection\"}\n")

        let big = try await fixture.send("GET", "/v1/vault/backups/bkp_big/download")
        #expect(big.status == 200 && big.header("Transfer-Encoding") == "chunked" && big.header("Content-Length") == nil)
        #expect(big.text == (1...6).map { "{\"line\":\($0)}\n" }.joined())
        let pages = fixture.vault.calls.filter { $0.method == "BackupLines" }.compactMap { $0.request as? BackupLinesRequest }
        #expect(pages.filter { $0.id == "bkp_big" }.map(\.after) == [0, 2, 4])

        let running = try await fixture.send("GET", "/v1/vault/backups/bkp_running/download")
        #expect(running.status == 409 && running.json["error"] as? String == "CONFLICT", "\(running.text)")
        #expect(try await fixture.send("GET", "/v1/vault/backups/bkp_nope/download").status == 404)
        // The second page fails after the head went out: the body is cut, never complete-looking.
        await #expect(throws: POSIXError.self) { try await fixture.send("GET", "/v1/vault/backups/bkp_broken/download") }
        await fixture.shutdown()
    }
}
