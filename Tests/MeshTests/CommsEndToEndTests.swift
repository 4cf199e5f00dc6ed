import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Email through the whole mesh: `POST /v1/comms/email` at the Router, CommsService's outbox, a real SMTP
/// server; provider events through the signed inbound webhook.
@Suite("Comms end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct CommsEndToEndTests {
    @Test("send → sent at the SMTP server; a bounce webhook suppresses the address; the next send is suppressed",
          .timeLimit(.minutes(3)))
    func sendBounceSuppress() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let project = try await mesh.createProject()
            let address = "cleo@example.test"
            let sent = try await mesh.http(
                "POST", "/v1/comms/email", key: project.secretKey,
                body: ["to": address, "subject": "Hola ¿qué tal?", "text": "Line one\n.dot line", "html": "<p>Hi</p>"])
            #expect(sent.status == 202, "\(sent.json)")
            let id = try #require(sent[string: "id"])
            let mail = try await mesh.waitForMail(to: address, containing: "<\(id)@mesh.purrpurr.test>")
            let parsed = try PythonEmailParser.parse(Array(mail.utf8))
            #expect(parsed.subject == "Hola ¿qué tal?")
            #expect(parsed.parts.map(\.contentType) == ["text/plain", "text/html"])

            var status = ""
            for _ in 0..<50 where status != "sent" {
                status = try await mesh.http("GET", "/v1/comms/messages/\(id)", key: project.secretKey)[string: "status"] ?? ""
                if status != "sent" { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == "sent")

            let event = ["type": "email.bounced", "data": ["message_id": id, "email": address]] as [String: Any]
            let hook = try await mesh.postEmailWebhook(id: "evt_\(UUID().uuidString)", body: event)
            #expect(hook.status == 200, "\(hook.json)")
            let message = try await mesh.http("GET", "/v1/comms/messages/\(id)", key: project.secretKey)
            #expect(message[string: "status"] == "bounced")
            let suppressions = try await mesh.http("GET", "/v1/comms/suppressions", key: project.secretKey)
            let listed = (suppressions.json["data"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }
            #expect(listed == [address])

            let again = try await mesh.http(
                "POST", "/v1/comms/email", key: project.secretKey, body: ["to": address, "subject": "Again", "text": "x"])
            #expect(again.status == 202)
            #expect(again[string: "status"] == "suppressed")

            let injected = try await mesh.http(
                "POST", "/v1/comms/email", key: project.secretKey,
                body: ["to": address, "subject": "Hi\r\nBcc: victim@example.test", "text": "x"])
            #expect(injected.status == 400)
            #expect(injected[string: "error"] == "VALIDATION_FAILED")
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("a message accepted with 202 survives SIGKILL of CommsService and arrives exactly once",
          .timeLimit(.minutes(3)))
    func crashAfterAccepted() async throws {
        // A restart delay long enough that the request right after the kill surely finds comms down.
        let mesh = try await LocalMesh.start(restartBackoff: .seconds(3))
        do {
            let project = try await mesh.createProject()
            let due = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2))
            let sent = try await mesh.http(
                "POST", "/v1/comms/email", key: project.secretKey,
                body: ["to": "dora@example.test", "subject": "Crash", "text": "Survives", "send_at": due])
            #expect(sent.status == 202, "\(sent.json)")
            let started = try await mesh.kill("comms")
            let down = try await mesh.http("GET", "/v1/comms/messages/\(try #require(sent[string: "id"]))", key: project.secretKey)
            #expect(down.status == 503)
            #expect(down.headers["retry-after"] != nil)

            try await mesh.waitForRestart(of: "comms", startedBefore: started)
            let id = try #require(sent[string: "id"])
            _ = try await mesh.waitForMail(to: "dora@example.test", containing: "<\(id)@mesh.purrpurr.test>")
            try await Task.sleep(for: .seconds(1))
            let copies = try mesh.rawMail(to: "dora@example.test", containing: "<\(id)@mesh.purrpurr.test>")
            #expect(copies.count == 1)
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
