#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Outbound webhooks through the real mesh (`purrpurr up`'s launcher): every `/v1/webhooks/endpoints*` route,
/// `email.*` events from a real send, isolation between projects, and a SIGKILL of comms-service with
/// deliveries pending (all delivered after the restart, at least once).
@Suite("Outbound webhooks (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct WebhooksMeshTests {
    static func data(_ request: ReceivedWebhook) -> [String: Any] {
        let object = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any]
        return object?["data"] as? [String: Any] ?? [:]
    }

    @Test("the endpoint routes: create (secret once), list, read, patch, test, deliveries, replay, rotate, delete; 400s and 404s",
          .timeLimit(.minutes(3)))
    func routes() async throws {
        let receiver = try await WebhookReceiver.start()
        let mesh = try await LocalMesh.start(extra: ["comms": ["WEBHOOK_POLL_INTERVAL_MS": "100"]])
        do {
            let project = try await mesh.createProject("hooks")
            let other = try await mesh.createProject("other")
            let key = project.secretKey
            let created = try await mesh.http("POST", "/v1/webhooks/endpoints", key: key, body: [
                "url": receiver.url(), "events": ["email.sent", "webhook.test"], "description": "local",
            ])
            #expect(created.status == 201, "\(created.json)")
            let id = try #require(created[string: "id"])
            let secret = try #require(created[string: "secret"])
            #expect(secret.hasPrefix("whsec_"))
            #expect(created[string: "status"] == "enabled")
            receiver.trust([secret])

            let list = try await mesh.http("GET", "/v1/webhooks/endpoints", key: key)
            #expect(list.status == 200)
            let items = try #require(list.json["data"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [id])
            #expect(items.allSatisfy { $0["secret"] == nil })
            #expect(try await mesh.http("GET", "/v1/webhooks/endpoints/\(id)", key: key)[string: "url"] == receiver.url())

            for (body, field) in [
                (["url": "http://169.254.169.254/latest", "events": ["*"]], "url"),
                (["url": receiver.url(), "events": ["email.opened"]], "events"),
                (["url": receiver.url()], "events"),
            ] as [([String: Any], String)] {
                let refused = try await mesh.http("POST", "/v1/webhooks/endpoints", key: key, body: body)
                #expect(refused.status == 400, "\(body)")
                #expect(refused[string: "error"] == "VALIDATION_FAILED")
                #expect(refused[string: "field"] == field, "\(refused.json)")
            }

            let test = try await mesh.http("POST", "/v1/webhooks/endpoints/\(id)/test", key: key)
            #expect(test.status == 202, "\(test.json)")
            #expect(test[string: "type"] == "webhook.test")
            let email = try await mesh.http("POST", "/v1/comms/email", key: key,
                                            body: ["to": "hooks@example.test", "subject": "Hi", "text": "private words"])
            #expect(email.status == 202)
            let messageID = try #require(email[string: "id"])
            let got = try await receiver.waitForRequests(count: 2)
            #expect(got.count == 2)
            #expect(got.allSatisfy { $0.valid == [secret] })
            #expect(got.contains { $0.id == test[string: "event_id"] })
            #expect(got.contains { Self.data($0)["message_id"] as? String == messageID && $0.body.contains("email.sent") })
            #expect(got.allSatisfy { !$0.body.contains("private words") && !$0.body.contains("whsec_") })

            var succeeded: [[String: Any]] = []
            for _ in 0..<100 where succeeded.count < 2 {
                let page = try await mesh.http("GET", "/v1/webhooks/endpoints/\(id)/deliveries?status=succeeded", key: key)
                succeeded = page.json["data"] as? [[String: Any]] ?? []
                if succeeded.count < 2 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(succeeded.count == 2)
            #expect(succeeded.allSatisfy { $0["attempts"] as? Int == 1 && $0["last_status_code"] as? Int == 200 })
            let badStatus = try await mesh.http("GET", "/v1/webhooks/endpoints/\(id)/deliveries?status=done", key: key)
            #expect(badStatus.status == 400)
            let deliveryID = try #require(succeeded.first?["id"] as? String)
            let eventID = try #require(succeeded.first?["event_id"] as? String)

            let replay = try await mesh.http("POST", "/v1/webhooks/endpoints/\(id)/deliveries/\(deliveryID)/replay", key: key)
            #expect(replay.status == 202, "\(replay.json)")
            #expect(replay[string: "event_id"] == eventID)
            let replayed = try await receiver.waitForRequests(count: 3)
            #expect(replayed.filter { $0.id == eventID }.count == 2)

            let patched = try await mesh.http("PATCH", "/v1/webhooks/endpoints/\(id)", key: key, body: ["events": ["*"]])
            #expect(patched.status == 200)
            #expect(patched.json["events"] as? [String] == ["*"])
            let rotated = try await mesh.http("POST", "/v1/webhooks/endpoints/\(id)/rotate", key: key)
            #expect(rotated.status == 200)
            let newSecret = try #require(rotated[string: "secret"])
            #expect(newSecret != secret)

            // Another project's key finds nothing.
            for (method, path) in [
                ("GET", "/v1/webhooks/endpoints/\(id)"), ("PATCH", "/v1/webhooks/endpoints/\(id)"),
                ("POST", "/v1/webhooks/endpoints/\(id)/rotate"), ("GET", "/v1/webhooks/endpoints/\(id)/deliveries"),
                ("POST", "/v1/webhooks/endpoints/\(id)/deliveries/\(deliveryID)/replay"),
                ("POST", "/v1/webhooks/endpoints/\(id)/test"), ("DELETE", "/v1/webhooks/endpoints/\(id)"),
            ] {
                let answer = try await mesh.http(method, path, key: other.secretKey, body: method == "PATCH" ? ["status": "disabled"] : nil)
                #expect(answer.status == 404, "\(method) \(path) \(answer.json)")
            }
            let otherList = try await mesh.http("GET", "/v1/webhooks/endpoints", key: other.secretKey)
            #expect((otherList.json["data"] as? [Any])?.isEmpty == true)

            #expect(try await mesh.http("DELETE", "/v1/webhooks/endpoints/\(id)", key: key).status == 204)
            #expect(try await mesh.http("GET", "/v1/webhooks/endpoints/\(id)", key: key).status == 404)
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("SIGKILL comms with webhook deliveries pending: after the restart every email.sent arrives, at least once",
          .timeLimit(.minutes(3)))
    func killCommsWithDeliveriesPending() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.behave("status 503")
        let mesh = try await LocalMesh.start(
            extra: ["comms": [
                "COMMS_LEASE_SECONDS": "5", "WEBHOOK_LEASE_SECONDS": "5", "WEBHOOK_TIMEOUT_SECONDS": "2",
                "WEBHOOK_POLL_INTERVAL_MS": "100", "WEBHOOK_RETRY_SCHEDULE": Array(repeating: "1s", count: 15).joined(separator: ","),
            ]],
            restartBackoff: .seconds(2))
        do {
            let project = try await mesh.createProject("crash hooks")
            let created = try await mesh.http("POST", "/v1/webhooks/endpoints", key: project.secretKey,
                                              body: ["url": receiver.url(), "events": ["email.sent"]])
            #expect(created.status == 201, "\(created.json)")
            receiver.trust([try #require(created[string: "secret"])])
            var accepted: [String] = []
            for index in 0..<20 {
                let email = try await mesh.http("POST", "/v1/comms/email", key: project.secretKey,
                                                body: ["to": "crash@example.test", "subject": "n\(index)", "text": "x"])
                if email.status == 202, let id = email[string: "id"] { accepted.append(id) }
            }
            #expect(accepted.count == 20)
            // Wait until the endpoint has refused a few tries, so deliveries are pending mid-schedule.
            _ = try await receiver.waitForRequests(count: 5)
            let startedBefore = try await mesh.kill("comms")
            receiver.behave("ok")
            try await mesh.waitForRestart(of: "comms", startedBefore: startedBefore)

            let deadline = ContinuousClock.now + .seconds(90)
            var missing = Set(accepted)
            while !missing.isEmpty, ContinuousClock.now < deadline {
                let delivered = receiver.requests().filter { $0.status == 200 }.compactMap { Self.data($0)["message_id"] as? String }
                missing.subtract(delivered)
                if !missing.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(missing.isEmpty, "email.sent never delivered for \(missing.sorted())")
            #expect(receiver.requests().allSatisfy { !$0.valid.isEmpty })
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("a signup reaches the project's endpoint as auth.user.created, through Identity's event outbox",
          .timeLimit(.minutes(3)))
    func userCreated() async throws {
        let receiver = try await WebhookReceiver.start()
        let mesh = try await LocalMesh.start(extra: ["comms": ["WEBHOOK_POLL_INTERVAL_MS": "100"]])
        do {
            let project = try await mesh.createProject("users")
            let created = try await mesh.http("POST", "/v1/webhooks/endpoints", key: project.secretKey,
                                              body: ["url": receiver.url(), "events": ["auth.user.created"]])
            #expect(created.status == 201, "\(created.json)")
            receiver.trust([try #require(created[string: "secret"])])
            let signup = try await mesh.http("POST", "/v1/auth/signup", key: project.publishableKey,
                                             body: ["email": "new@example.test", "password": "a long enough passphrase 42"])
            #expect(signup.status == 201, "\(signup.json)")
            let userID = try #require(signup[object: "user"]?["id"] as? String)
            let got = try await receiver.waitForRequests(count: 1)
            #expect(got.count == 1)
            #expect(got.first?.valid.isEmpty == false)
            #expect(got.first?.body.contains("auth.user.created") == true)
            #expect(got.first.map { Self.data($0) as NSDictionary } == ["user_id": userID] as NSDictionary)
            #expect(got.first?.body.contains("new@example.test") == false)
        } catch {
            Issue.record("identity log: \(mesh.log("identity").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("purrpurr up with PURRPURR_WEBHOOK_CATCHER_URL: the demo project's email.* events reach the catcher",
          .timeLimit(.minutes(3)))
    func demoCatcher() async throws {
        let receiver = try await WebhookReceiver.start()
        let mesh = try await LocalMesh.start(
            extra: ["comms": ["WEBHOOK_POLL_INTERVAL_MS": "100"]],
            environment: [DemoWebhookEndpoint.variable: receiver.url("/demo")], demoProject: true)
        do {
            let demo = try #require(mesh.running.demoProject)
            let hook = try #require(mesh.running.demoWebhook)
            let secret = try #require(hook.secret)
            receiver.trust([secret])
            let banner = UpBanner.text(for: mesh.running, directory: mesh.directory, mailCommand: "purrpurr mail")
            #expect(banner.contains("email.* → \(receiver.url("/demo"))"))
            #expect(banner.contains("/v1/webhooks/endpoints"))
            let again = try await DemoWebhookEndpoint.ensure(
                url: receiver.url("/demo"), routerURL: mesh.baseURL, secretKey: demo.secretKey)
            #expect(again.id == hook.id && again.secret == nil, "a second run keeps the endpoint")
            let email = try await mesh.http("POST", "/v1/comms/email", key: demo.secretKey,
                                            body: ["to": "ada@example.com", "subject": "Hello", "text": "It works."])
            #expect(email.status == 202)
            let got = try await receiver.waitForRequests(count: 1)
            #expect(got.first?.valid == [secret])
            #expect(got.first.map { Self.data($0)["message_id"] as? String } == email[string: "id"])
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
