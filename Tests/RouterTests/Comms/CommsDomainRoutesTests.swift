import Contracts
import Foundation
import Testing
import Wire
@testable import Router

@Suite("Router /v1/comms/domains routes over Wire", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct CommsDomainRoutesTests {
    @Test("create 201, list with cursors, get, verify, delete 204: JSON shapes and the requests sent")
    func routes() async throws {
        let mesh = try await CommsTestMesh()
        let project = try await mesh.router.createProject()
        let headers = ["X-API-Key": project.secret]
        let router = mesh.router

        let created = try await router.send(
            "POST", "/v1/comms/domains", headers: headers, body: #"{"name":"mail.example.com","project_id":"prj_x"}"#)
        #expect(created.status == 201)
        #expect(created.text == """
            {"id":"dom_1","name":"mail.example.com","status":"pending","failure":null,\
            "records":[{"type":"TXT","name":"mail.example.com","value":"v=spf1 include:_spf.x ~all","purpose":"spf"}],\
            "created_at":"2030-03-17T17:46:40.000Z","verified_at":null}
            """)
        let call = try #require(mesh.fake.calls.first)
        #expect(call.method == "comms.CreateDomain" && call.context.projectID == project.id)
        #expect(mesh.fake.requests(CommsContract.createDomain) == [CreateDomainRequest(name: "mail.example.com")])

        let list = try await router.send("GET", "/v1/comms/domains?limit=1", headers: headers)
        #expect(list.status == 200 && list.json["next_cursor"] as? String == "cur_d")
        #expect((list.json["data"] as? [[String: Any]])?.first?["id"] as? String == "dom_1")
        let next = try await router.send("GET", "/v1/comms/domains?cursor=cur_d", headers: headers)
        #expect(next.status == 200 && next.text.hasSuffix(#""next_cursor":null}"#))
        #expect(mesh.fake.requests(CommsContract.listDomains) == [PageQuery(limit: 1), PageQuery(limit: 50, cursor: "cur_d")])

        let one = try await router.send("GET", "/v1/comms/domains/dom_1", headers: headers)
        #expect(one.status == 200 && one.json["status"] as? String == "pending")
        let verified = try await router.send("POST", "/v1/comms/domains/dom_1/verify", headers: headers)
        #expect(verified.status == 200 && verified.json["status"] as? String == "failed")
        #expect(verified.json["failure"] as? String == "dkim: no TXT record at pp1._domainkey.mail.example.com")
        let deleted = try await router.send("DELETE", "/v1/comms/domains/dom_1", headers: headers)
        #expect(deleted.status == 204 && deleted.text.isEmpty)
        #expect(mesh.fake.requests(CommsContract.deleteDomain) == [DomainIDRequest(id: "dom_1")])
        await mesh.shutdown()
    }

    @Test("errors: bad bodies 400 at the edge, the service's 400/409/404 pass through, publishable keys 403")
    func errors() async throws {
        let mesh = try await CommsTestMesh()
        let project = try await mesh.router.createProject()
        let headers = ["X-API-Key": project.secret]
        let router = mesh.router
        for body in [#"{}"#, #"{"name":5}"#, #"{"name":""}"#, #"{"name":"\#(String(repeating: "a", count: 254))"}"#,
                     #"{"name":"a\u0000b.com"}"#] {
            let response = try await router.send("POST", "/v1/comms/domains", headers: headers, body: body)
            #expect(response.status == 400 && response.json["field"] as? String == "name", "\(body)")
        }
        #expect(mesh.fake.calls.isEmpty)
        let bad = try await router.send("POST", "/v1/comms/domains", headers: headers, body: #"{"name":"bad"}"#)
        #expect(bad.status == 400 && bad.json["error"] as? String == "VALIDATION_FAILED" && bad.json["field"] as? String == "name")
        let taken = try await router.send("POST", "/v1/comms/domains", headers: headers, body: #"{"name":"taken.example.com"}"#)
        #expect(taken.status == 409 && taken.json["error"] as? String == "CONFLICT")
        for (method, path) in [("GET", "/v1/comms/domains/dom_2"), ("POST", "/v1/comms/domains/dom_2/verify"),
                               ("DELETE", "/v1/comms/domains/dom_2")] {
            let response = try await router.send(method, path, headers: headers)
            #expect(response.status == 404 && response.json["error"] as? String == "NOT_FOUND", "\(method) \(path)")
        }
        let limit = try await router.send("GET", "/v1/comms/domains?limit=0", headers: headers)
        #expect(limit.status == 400 && limit.json["field"] as? String == "limit")
        let publishable = try await router.send(
            "POST", "/v1/comms/domains", headers: ["X-API-Key": project.publishable], body: #"{"name":"x.example.com"}"#)
        #expect(publishable.status == 403)
        await mesh.shutdown()
    }
}
