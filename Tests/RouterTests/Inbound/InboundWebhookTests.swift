import Foundation
import ServiceKit
import Testing
@testable import Router

@Suite("Router inbound webhooks", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct InboundWebhookTests {
    private let secret = WebhookSecret(bytes: Array(repeating: 7, count: 32))!
    private let other = WebhookSecret(bytes: Array(repeating: 9, count: 32))!

    private func headers(id: String, body: String, secret: WebhookSecret, at time: Date = Date(), extra: String = "") -> [String: String] {
        let seconds = Int64(time.timeIntervalSince1970)
        let mac = WebhookSigner(secret: secret).mac(id: id, timestamp: seconds, body: Array(body.utf8))
        return ["webhook-id": id, "webhook-timestamp": String(seconds),
                "webhook-signature": (extra + " v1," + Data(mac).base64EncodedString()).trimmingCharacters(in: .whitespaces)]
    }

    @Test("valid, duplicate, wrong secret, tampered, stale and future, several signatures, unknown source")
    func scenarios() async throws {
        let router = try await RouterHarness(environment: ["WEBHOOK_SECRET_EMAIL": secret.encoded])
        defer { Task { await router.shutdown() } }
        let path = "/v1/webhooks/inbound/email"
        let body = #"{"type":"email.delivered","data":{"message_id":"m1","email":"a@b.c"}}"#
        let valid = try await router.send("POST", path, headers: headers(id: "msg_1", body: body, secret: secret), body: body)
        #expect(valid.status == 200 && valid.text == #"{"received":true}"#)
        let again = try await router.send("POST", path, headers: headers(id: "msg_1", body: body, secret: secret), body: body)
        #expect(again.status == 200 && again.text == #"{"duplicate":true}"#)
        let wrong = try await router.send("POST", path, headers: headers(id: "msg_2", body: body, secret: other), body: body)
        #expect(wrong.status == 401 && wrong.json["error"] as? String == "INVALID_SIGNATURE")
        let tampered = try await router.send(
            "POST", path, headers: headers(id: "msg_3", body: body, secret: secret), body: body.replacingOccurrences(of: "m1", with: "m2"))
        #expect(tampered.status == 401 && tampered.json["error"] as? String == "INVALID_SIGNATURE")
        for offset in [-400.0, 400.0] {
            let stale = try await router.send(
                "POST", path, headers: headers(id: "msg_4", body: body, secret: secret, at: Date().addingTimeInterval(offset)), body: body)
            #expect(stale.status == 401 && stale.json["error"] as? String == "TIMESTAMP_OUT_OF_TOLERANCE")
        }
        let wrongMAC = Data(repeating: 1, count: 32).base64EncodedString()
        let several = try await router.send(
            "POST", path, headers: headers(id: "msg_5", body: body, secret: secret, extra: "v1,\(wrongMAC)"), body: body)
        #expect(several.status == 200 && several.text == #"{"received":true}"#)
        let unknown = try await router.send("POST", "/v1/webhooks/inbound/payments", headers: headers(id: "x", body: body, secret: secret), body: body)
        #expect(unknown.status == 404 && unknown.json["error"] as? String == "NOT_FOUND")
    }

    @Test("without the mesh an email event of another shape is still 400 and not marked seen")
    func badShapeWithoutMesh() async throws {
        let router = try await RouterHarness(environment: ["WEBHOOK_SECRET_EMAIL": secret.encoded])
        let body = #"{"type":"email.opened","data":{"message_id":"m1","email":"a@b.c"}}"#
        let path = "/v1/webhooks/inbound/email"
        let refused = try await router.send("POST", path, headers: headers(id: "bad_1", body: body, secret: secret), body: body)
        #expect(refused.status == 400 && refused.json["field"] as? String == "type")
        #expect(try await router.app.webhookEvents.contains(source: "email", id: "bad_1") == false)
        await router.shutdown()
    }
}
