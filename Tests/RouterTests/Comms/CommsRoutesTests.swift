import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("Router /v1/comms routes over Wire", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct CommsRoutesTests {
    private static let send = #"{"to":"ana@example.com","subject":"Hi","text":"Hello"}"#

    @Test("send: 202 with the service's id; the service sees the body's fields and the key's CallContext")
    func sendEmail() async throws {
        let mesh = try await CommsTestMesh()
        let project = try await mesh.router.createProject()
        let body = #"""
            {"to":["ana@example.com","Bo <bo@example.com>"],"template_id":"tpl_1","subject":"Hey",
             "data":{"name":"Ana","n":3,"vip":true,"ratio":1.5},"from":"shop@example.com","reply_to":"help@example.com",
             "tags":["welcome","q1"],"send_at":"2030-01-02T03:04:05.250+02:00","project_id":"prj_other"}
            """#
        let response = try await mesh.router.send(
            "POST", "/v1/comms/email", headers: ["X-API-Key": project.secret, "X-Request-Id": "req-send-1"], body: body)
        #expect(response.status == 202)
        #expect(response.text == #"{"id":"msg_2","status":"queued"}"#)
        let call = try #require(mesh.fake.calls.first)
        #expect(mesh.fake.calls.count == 1 && call.method == "comms.SendEmail")
        #expect(call.context.projectID == project.id)
        #expect(call.context.requestID == "req-send-1")
        #expect(call.context.callerService == "router")
        #expect(call.context.deadline != nil)
        let request = try #require(call.request as? SendEmailRequest)
        #expect(request.to == ["ana@example.com", "Bo <bo@example.com>"])
        #expect(request.templateID == "tpl_1" && request.subject == "Hey" && request.text == nil && request.html == nil)
        #expect(request.data == ["name": "Ana", "n": "3", "vip": "true", "ratio": "1.5"])
        #expect(request.from == "shop@example.com" && request.replyTo == "help@example.com")
        #expect(request.tags == ["welcome", "q1"])
        #expect(abs((request.sendAt?.timeIntervalSince1970 ?? 0) - 1_893_546_245.25) < 0.001)
        #expect(request.idempotencyKey == nil)

        let single = try await mesh.router.send(
            "POST", "/v1/comms/email", headers: ["X-API-Key": project.secret], body: Self.send)
        #expect(single.status == 202)
        let inline = try #require(mesh.fake.requests(CommsContract.sendEmail).last)
        #expect(inline.to == ["ana@example.com"] && inline.subject == "Hi" && inline.text == "Hello")
        #expect(inline.data == nil && inline.tags == nil && inline.sendAt == nil)
        await mesh.shutdown()
    }

    @Test("bad shapes are 400 at the edge naming the field, and nothing reaches the service")
    func edgeValidation() async throws {
        let mesh = try await CommsTestMesh()
        let key = try await mesh.router.createProject().secret
        let fiftyOne = "[" + (0...50).map { #""u\#($0)@example.com""# }.joined(separator: ",") + "]"
        let cases: [(body: String, field: String)] = [
            (#"{"to":[],"subject":"s","text":"t"}"#, "to"),
            (#"{"to":\#(fiftyOne),"subject":"s","text":"t"}"#, "to"),
            (#"{"subject":"s","text":"t"}"#, "to"),
            (#"{"to":5,"subject":"s","text":"t"}"#, "to"),
            (#"{"to":["a@example.com",3],"subject":"s","text":"t"}"#, "to.1"),
            (#"{"to":"a@example.com","subject":7,"text":"t"}"#, "subject"),
            (#"{"to":"a@example.com","text":"t"}"#, "subject"),
            (#"{"to":"a@example.com","subject":"s"}"#, "text"),
            (#"{"to":"a@example.com","template_id":"tpl_1","html":"<p>x</p>"}"#, "template_id"),
            (#"{"to":"a@example.com","template_id":"tpl_1","data":{"user":{"name":"Ana"}}}"#, "data.user"),
            (#"{"to":"a@example.com","template_id":"tpl_1","data":{"list":[1,2]}}"#, "data.list"),
            (#"{"to":"a@example.com","template_id":"tpl_1","data":"x"}"#, "data"),
            (#"{"to":"a@example.com","subject":"s","text":"t","tags":"a"}"#, "tags"),
            (#"{"to":"a@example.com","subject":"s","text":"t","tags":["a",1]}"#, "tags.1"),
            (#"{"to":"a@example.com","subject":"s","text":"t","send_at":"tomorrow"}"#, "send_at"),
            (#"{"to":"a@example.com","subject":"s","text":"t","send_at":"2030-01-02T03:04:05"}"#, "send_at"),
            (#"{"to":"a@example.com","subject":"s","text":"t","send_at":1893546245}"#, "send_at"),
            (#"["a@example.com"]"#, "body"),
        ]
        for (body, field) in cases {
            let response = try await mesh.router.send(
                "POST", "/v1/comms/email", headers: ["X-API-Key": key], body: body)
            #expect(response.status == 400, "\(body)")
            #expect(response.json["error"] as? String == "VALIDATION_FAILED", "\(body)")
            #expect(response.json["field"] as? String == field, "\(body)")
        }
        let malformed = try await mesh.router.send("POST", "/v1/comms/email", headers: ["X-API-Key": key], body: "{")
        #expect(malformed.status == 400 && malformed.json["error"] as? String == "MALFORMED_JSON")
        for (query, field) in [("status=lost", "status"), ("limit=0", "limit"), ("limit=201", "limit")] {
            let response = try await mesh.router.send("GET", "/v1/comms/messages?\(query)", headers: ["X-API-Key": key])
            #expect(response.status == 400 && response.json["field"] as? String == field, "\(query)")
        }
        let template = try await mesh.router.send(
            "POST", "/v1/comms/templates", headers: ["X-API-Key": key], body: #"{"name":"","subject":"s"}"#)
        #expect(template.status == 400 && template.json["field"] as? String == "name")
        let settings = try await mesh.router.send(
            "PUT", "/v1/comms/settings", headers: ["X-API-Key": key], body: #"{"smtp_url":5}"#)
        #expect(settings.status == 400 && settings.json["field"] as? String == "smtp_url")
        #expect(mesh.fake.calls.isEmpty)
        await mesh.shutdown()
    }

    @Test("message, lists, templates, suppressions and settings: statuses, JSON shapes, the requests sent")
    func readsAndWrites() async throws {
        let mesh = try await CommsTestMesh()
        let project = try await mesh.router.createProject()
        let headers = ["X-API-Key": project.secret]
        let router = mesh.router

        let message = try await router.send("GET", "/v1/comms/messages/msg_1", headers: headers)
        #expect(message.status == 200)
        #expect(message.text == """
            {"id":"msg_1","channel":"email","status":"delivered","attempts":1,"to":["ana@example.com"],\
            "tags":["welcome"],"created_at":"2030-03-17T17:46:40.000Z","send_at":"2030-03-17T17:46:40.000Z",\
            "events":[{"at":"2030-03-17T17:46:40.000Z","status":"queued","detail":null},\
            {"at":"2030-03-17T17:46:42.500Z","status":"delivered","detail":"250 2.0.0 OK"}]}
            """)
        #expect(mesh.fake.requests(CommsContract.getMessage).first?.id == "msg_1")

        let list = try await router.send("GET", "/v1/comms/messages?status=bounced&limit=10", headers: headers)
        #expect(list.status == 200)
        #expect(list.json["next_cursor"] as? String == "cur_2")
        let listed = try #require((list.json["data"] as? [[String: Any]])?.first)
        #expect(Set(listed.keys) == ["id", "channel", "status", "attempts", "to", "tags", "created_at", "send_at", "events"])
        let query = try #require(mesh.fake.requests(CommsContract.listMessages).first)
        #expect(query == ListMessagesRequest(page: PageQuery(limit: 10, cursor: nil), status: "bounced"))
        let next = try await router.send("GET", "/v1/comms/messages?cursor=cur%5F2", headers: headers)
        #expect(next.status == 200 && next.text.hasSuffix(#""next_cursor":null}"#))
        #expect(mesh.fake.requests(CommsContract.listMessages).last
            == ListMessagesRequest(page: PageQuery(limit: 50, cursor: "cur_2"), status: nil))

        let created = try await router.send(
            "POST", "/v1/comms/templates", headers: headers,
            body: #"{"name":"welcome","subject":"Hi {{name}}","html":"<p>{{name}}</p>"}"#)
        #expect(created.status == 201)
        #expect(created.text == """
            {"id":"tpl_1","name":"welcome","subject":"Hi {{name}}","text":null,"html":"<p>{{name}}</p>",\
            "variables":["name"],"created_at":"2030-03-17T17:46:40.000Z"}
            """)
        #expect(mesh.fake.requests(CommsContract.createTemplate).first
            == CreateTemplateRequest(name: "welcome", subject: "Hi {{name}}", text: nil, html: "<p>{{name}}</p>"))
        let templates = try await router.send("GET", "/v1/comms/templates?limit=5", headers: headers)
        #expect(templates.status == 200 && templates.text.hasPrefix(#"{"data":[{"id":"tpl_1","name":"welcome""#))
        #expect(mesh.fake.requests(CommsContract.listTemplates).first == PageQuery(limit: 5, cursor: nil))

        let suppressions = try await router.send("GET", "/v1/comms/suppressions", headers: headers)
        #expect(suppressions.text == """
            {"data":[{"email":"bounce@example.com","reason":"bounced","created_at":"2030-03-17T17:46:40.000Z"}],\
            "next_cursor":null}
            """)
        let deleted = try await router.send("DELETE", "/v1/comms/suppressions/Bo%2Bx%40example.com", headers: headers)
        #expect(deleted.status == 204 && deleted.body.isEmpty)
        #expect(mesh.fake.requests(CommsContract.deleteSuppression).first?.email == "Bo+x@example.com")

        let settings = try await router.send("GET", "/v1/comms/settings", headers: headers)
        #expect(settings.status == 200)
        #expect(settings.text == #"{"smtp_url":"smtp://mailer@smtp.example.com:587?tls=starttls","default_from":null,"unsubscribe_url":null}"#)
        let updated = try await router.send(
            "PUT", "/v1/comms/settings", headers: headers,
            body: #"{"smtp_url":"smtp://mailer:pw@smtp.example.com:587","default_from":"Shop <shop@example.com>"}"#)
        #expect(updated.status == 200)
        #expect(!updated.text.contains("pw@"))
        #expect(updated.json["default_from"] as? String == "Shop <shop@example.com>")
        #expect(mesh.fake.requests(CommsContract.updateSettings).first == UpdateCommsSettingsRequest(
            smtpURL: "smtp://mailer:pw@smtp.example.com:587", defaultFrom: "Shop <shop@example.com>", unsubscribeURL: nil))

        #expect(mesh.fake.calls.allSatisfy { $0.context.projectID == project.id && $0.context.callerService == "router" })
        await mesh.shutdown()
    }

    @Test("the service's errors map to the contract: VALIDATION_FAILED with field, NOT_FOUND, CONFLICT")
    func serviceErrors() async throws {
        let mesh = try await CommsTestMesh()
        let headers = ["X-API-Key": try await mesh.router.createProject().secret]
        let missing = try await mesh.router.send("GET", "/v1/comms/messages/msg_other", headers: headers)
        #expect(missing.status == 404 && missing.json["error"] as? String == "NOT_FOUND")
        let gone = try await mesh.router.send("DELETE", "/v1/comms/suppressions/gone@example.com", headers: headers)
        #expect(gone.status == 404 && gone.json["error"] as? String == "NOT_FOUND")
        let taken = try await mesh.router.send(
            "POST", "/v1/comms/templates", headers: headers, body: #"{"name":"taken","subject":"s","text":"t"}"#)
        #expect(taken.status == 409 && taken.json["error"] as? String == "CONFLICT")

        mesh.fake.failure = PublicError.validation("to.0", "The address is not valid.").wireError
        let invalid = try await mesh.router.send("POST", "/v1/comms/email", headers: headers, body: Self.send)
        #expect(invalid.status == 400)
        #expect(invalid.json["error"] as? String == "VALIDATION_FAILED" && invalid.json["field"] as? String == "to.0")
        #expect(invalid.json["message"] as? String == "The address is not valid.")
        mesh.fake.failure = WireError(.internal, "database exploded")
        let broken = try await mesh.router.send("GET", "/v1/comms/templates", headers: headers)
        #expect(broken.status == 500 && broken.json["error"] as? String == "INTERNAL" && !broken.text.contains("exploded"))
        // Comms' database is down: what its handler throws becomes 503 with Retry-After, not 500.
        mesh.fake.failure = PostgresError(.connectionLost, serverMessage: "server closed the connection").wireError
        let down = try await mesh.router.send("POST", "/v1/comms/email", headers: headers, body: Self.send)
        #expect(down.status == 503 && down.json["error"] as? String == "SERVICE_UNAVAILABLE")
        #expect(down.json["retry_after"] as? Int == 1 && down.header("Retry-After") == "1")
        #expect(!down.text.contains("closed"))
        await mesh.shutdown()
    }

    @Test("a publishable key is 403 and no key is 401 on every comms route; nothing reaches the service")
    func secretKeyOnly() async throws {
        let mesh = try await CommsTestMesh()
        let publishable = try await mesh.router.createProject().publishable
        let routes: [(String, String, String?)] = [
            ("POST", "/v1/comms/email", Self.send), ("GET", "/v1/comms/messages/msg_1", nil),
            ("GET", "/v1/comms/messages", nil), ("POST", "/v1/comms/templates", #"{"name":"a","subject":"b"}"#),
            ("GET", "/v1/comms/templates", nil), ("GET", "/v1/comms/suppressions", nil),
            ("DELETE", "/v1/comms/suppressions/a@example.com", nil), ("GET", "/v1/comms/settings", nil),
            ("PUT", "/v1/comms/settings", "{}"),
        ]
        for (method, path, body) in routes {
            let refused = try await mesh.router.send(method, path, headers: ["X-API-Key": publishable], body: body)
            #expect(refused.status == 403 && refused.json["error"] as? String == "FORBIDDEN", "\(method) \(path)")
            let anonymous = try await mesh.router.send(method, path, body: body)
            #expect(anonymous.status == 401 && anonymous.json["error"] as? String == "MISSING_API_KEY", "\(method) \(path)")
        }
        #expect(mesh.fake.calls.isEmpty)
        await mesh.shutdown()
    }

    @Test("Idempotency-Key reaches the service and a repeat is replayed by the Router without a second call")
    func idempotency() async throws {
        let mesh = try await CommsTestMesh()
        let key = try await mesh.router.createProject().secret
        let headers = ["X-API-Key": key, "Idempotency-Key": "order-42"]
        let first = try await mesh.router.send("POST", "/v1/comms/email", headers: headers, body: Self.send)
        #expect(first.status == 202 && first.header("Idempotent-Replayed") == nil)
        let again = try await mesh.router.send("POST", "/v1/comms/email", headers: headers, body: Self.send)
        #expect(again.status == 202 && again.text == first.text && again.header("Idempotent-Replayed") == "true")
        let sends = mesh.fake.requests(CommsContract.sendEmail)
        #expect(sends.count == 1 && sends.first?.idempotencyKey == "order-42")
        let other = try await mesh.router.send(
            "POST", "/v1/comms/email", headers: headers, body: Self.send.replacingOccurrences(of: "Hello", with: "Bye"))
        #expect(other.status == 422 && other.json["error"] as? String == "IDEMPOTENCY_KEY_REUSED")
        #expect(mesh.fake.requests(CommsContract.sendEmail).count == 1)
        await mesh.shutdown()
    }

    @Test("comms down: 503 SERVICE_UNAVAILABLE with Retry-After within about a second")
    func commsDown() async throws {
        let mesh = try await CommsTestMesh()
        let headers = ["X-API-Key": try await mesh.router.createProject().secret]
        #expect(try await mesh.router.send("GET", "/v1/comms/settings", headers: headers).status == 200)
        await mesh.server.shutdownGracefully(timeout: .seconds(1))
        for (method, path, body) in [("POST", "/v1/comms/email", Self.send), ("GET", "/v1/comms/messages", nil)] {
            let start = ContinuousClock.now
            let down = try await mesh.router.send(method, path, headers: headers, body: body)
            #expect(ContinuousClock.now - start < .milliseconds(1500), "\(path)")
            #expect(down.status == 503 && down.json["error"] as? String == "SERVICE_UNAVAILABLE", "\(path)")
            #expect(down.header("Retry-After") == "1", "\(path)")
        }
        await mesh.shutdown()
    }

    @Test("no comms endpoints configured: 503 SERVICE_UNAVAILABLE")
    func notConfigured() async throws {
        let router = try await RouterHarness()
        let key = try await router.createProject().secret
        let response = try await router.send("POST", "/v1/comms/email", headers: ["X-API-Key": key], body: Self.send)
        #expect(response.status == 503 && response.header("Retry-After") == "1")
        await router.shutdown()
    }
}
