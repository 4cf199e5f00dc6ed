import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// WhatsApp through the whole mesh: the Router's routes (credit guard, plan limit, bad input), SmartSend in
/// CommsService, the development gateway (in `purrpurr up`'s process, or the fake gateway process), its events
/// back through `POST /v1/webhooks/inbound/whatsapp/{token}`, and SIGKILL of CommsService with texts queued.
@Suite("WhatsApp end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct WhatsAppMeshTests {
    @Test("instance, send → sent → delivered (gateway webhook), channel whatsapp; plan limit; bad input with field",
          .timeLimit(.minutes(3)))
    func sendThroughTheMesh() async throws {
        let mesh = try await LocalMesh.start(extra: ["comms": ["WHATSAPP_JITTER_MS": "0-0", "WHATSAPP_POLL_INTERVAL_MS": "50"]])
        do {
            let project = try await mesh.createProject()
            let created = try await mesh.http("POST", "/v1/comms/whatsapp/instances", key: project.secretKey, body: ["name": "ventas"])
            #expect(created.status == 201, "\(created.json)")
            #expect(created[string: "connection"] == "open")
            #expect(created[string: "qr_code"]?.hasPrefix("data:image/png;base64,") == true)
            let instance = try #require(created[string: "id"])
            let second = try await mesh.http("POST", "/v1/comms/whatsapp/instances", key: project.secretKey, body: ["name": "otra"])
            #expect(second.status == 403)
            #expect(second[string: "error"] == "PLAN_LIMIT_REACHED")

            let sent = try await mesh.http(
                "POST", "/v1/comms/whatsapp/messages", key: project.secretKey, body: ["to": "+51987654321", "text": "Hola"])
            #expect(sent.status == 202, "\(sent.json)")
            #expect(sent[string: "instance_id"] == instance)
            let id = try #require(sent[string: "id"])
            var message = MeshResponse(status: 0, json: [:], headers: [:])
            // Polled for up to 30 s: the machine may be busy (this waits for SmartSend, the gateway and its webhook).
            for _ in 0..<300 {
                message = try await mesh.http("GET", "/v1/comms/messages/\(id)", key: project.secretKey)
                if message[string: "status"] == "delivered" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(message[string: "channel"] == "whatsapp")
            #expect(message[string: "status"] == "delivered", "\(message.json)")
            // The list holds both channels: the text is in it, and in its status' filter.
            let listed = try await mesh.http("GET", "/v1/comms/messages?status=delivered", key: project.secretKey)
            let rows = listed.json["data"] as? [[String: Any]] ?? []
            #expect(rows.contains { $0["id"] as? String == id && $0["channel"] as? String == "whatsapp" }, "\(listed.json)")
            // The same Idempotency-Key twice (a second Router request: the Router's own store or Comms' answers it)
            // makes one text.
            var keyed: [String] = []
            for _ in 0..<2 {
                let accepted = try await mesh.http(
                    "POST", "/v1/comms/whatsapp/messages", key: project.secretKey, body: ["to": "+51987654322", "text": "Una vez"],
                    headers: ["Idempotency-Key": "wa-once"])
                #expect(accepted.status == 202)
                keyed.append(accepted[string: "id"] ?? "")
            }
            #expect(keyed[0] == keyed[1] && !keyed[0].isEmpty)

            for (body, field) in [
                (["to": "987654321", "text": "x"], "to"), (["to": "+51987654321", "text": ""], "text"),
                (["to": "+51987654321", "text": String(repeating: "a", count: 4097)], "text"),
            ] {
                let refused = try await mesh.http("POST", "/v1/comms/whatsapp/messages", key: project.secretKey, body: body)
                #expect(refused.status == 400)
                #expect(refused[string: "field"] == field)
            }
            let other = try await mesh.createProject()
            let foreign = try await mesh.http(
                "POST", "/v1/comms/whatsapp/messages", key: other.secretKey,
                body: ["to": "+51987654321", "text": "x", "instance_id": instance])
            #expect(foreign.status == 404)
            #expect(foreign[string: "field"] == "instance_id")
            let unknown = try await mesh.http(
                "POST", "/v1/webhooks/inbound/whatsapp/" + String(repeating: "x", count: 43),
                body: ["event": "connection.update", "data": ["state": "close"]])
            #expect(unknown.status == 401)
            #expect(unknown[string: "error"] == "INVALID_SIGNATURE")
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("texts accepted with 202 survive SIGKILL of CommsService: each reaches the gateway exactly once",
          .timeLimit(.minutes(4)))
    func crashWithQueuedTexts() async throws {
        let gateway = try FakeWhatsAppGateway.start()
        defer { gateway.stop() }
        let mesh = try await LocalMesh.start(
            extra: ["comms": [
                "WHATSAPP_JITTER_MS": "100-300", "WHATSAPP_POLL_INTERVAL_MS": "50", "WHATSAPP_PACE_WINDOW_SECONDS": "2",
                "WHATSAPP_LEASE_SECONDS": "10",
            ]],
            environment: ["EVOLUTION_URL": gateway.url, "EVOLUTION_API_KEY": gateway.apiKey], restartBackoff: .seconds(2))
        do {
            let project = try await mesh.createProject()
            let created = try await mesh.http("POST", "/v1/comms/whatsapp/instances", key: project.secretKey, body: ["name": "ventas"])
            #expect(created.status == 201, "\(created.json)")
            var numbers: [String] = []
            for index in 0..<15 {
                let number = "+5198700\(String(format: "%03d", index))1"
                let sent = try await mesh.http(
                    "POST", "/v1/comms/whatsapp/messages", key: project.secretKey, body: ["to": number, "text": "Hola \(index)"])
                #expect(sent.status == 202, "\(sent.json)")
                numbers.append(String(number.dropFirst()))
            }
            try await Task.sleep(for: .milliseconds(800))
            let started = try await mesh.kill("comms")
            try await mesh.waitForRestart(of: "comms", startedBefore: started)
            let deadline = ContinuousClock.now + .seconds(90)
            var texts: [FakeWhatsAppGateway.Call] = []
            while ContinuousClock.now < deadline {
                texts = try await gateway.calls().filter { $0.path == "/message/sendText" }
                if Set(texts.compactMap(\.number)).count == numbers.count { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .seconds(1))
            texts = try await gateway.calls().filter { $0.path == "/message/sendText" }
            #expect(texts.compactMap(\.number).sorted() == numbers.sorted())
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
