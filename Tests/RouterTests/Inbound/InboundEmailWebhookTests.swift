import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("Router inbound email webhooks to Comms", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct InboundEmailWebhookTests {
    private static let secret = WebhookSecret(bytes: Array(repeating: 5, count: 32))!
    private static let path = "/v1/webhooks/inbound/email"
    private static let bounced = #"{"type":"email.bounced","data":{"message_id":"msg_1","email":"ana@example.com"},"extra":1}"#

    private static func signed(_ id: String, _ body: String, requestID: String? = nil) -> [String: String] {
        let seconds = Int64(Date().timeIntervalSince1970)
        let mac = WebhookSigner(secret: secret).mac(id: id, timestamp: seconds, body: Array(body.utf8))
        var headers = ["webhook-id": id, "webhook-timestamp": String(seconds),
                       "webhook-signature": "v1," + Data(mac).base64EncodedString()]
        headers["X-Request-Id"] = requestID
        return headers
    }

    private static func environment() -> [String: String] {
        ["WEBHOOK_SECRET_EMAIL": secret.encoded, "WEBHOOK_SECRET_PAYMENTS": secret.encoded]
    }

    @Test("an email event becomes one RecordDeliveryEvent (request id, no project); a repeat is a duplicate")
    func forwarded() async throws {
        let mesh = try await CommsTestMesh(environment: Self.environment())
        let first = try await mesh.router.send(
            "POST", Self.path, headers: Self.signed("evt_1", Self.bounced, requestID: "req-hook-1"), body: Self.bounced)
        #expect(first.status == 200 && first.text == #"{"received":true}"#)
        let call = try #require(mesh.fake.calls.first)
        #expect(mesh.fake.calls.count == 1 && call.method == "comms.RecordDeliveryEvent")
        #expect(call.request as? DeliveryEventRequest == DeliveryEventRequest(
            eventID: "evt_1", type: "email.bounced", messageID: "msg_1", email: "ana@example.com"))
        #expect(call.context.requestID == "req-hook-1")
        #expect(call.context.projectID == nil && call.context.callerService == "router" && call.context.deadline != nil)

        let again = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_1", Self.bounced), body: Self.bounced)
        #expect(again.status == 200 && again.text == #"{"duplicate":true}"#)
        #expect(mesh.fake.calls.count == 1)

        for type in ["email.delivered", "email.complained"] {
            let body = #"{"type":"\#(type)","data":{"message_id":"msg_1","email":"ana@example.com"}}"#
            let response = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_\(type)", body), body: body)
            #expect(response.status == 200 && response.text == #"{"received":true}"#, "\(type)")
        }
        #expect(mesh.fake.requests(CommsContract.recordDeliveryEvent).map(\.type)
            == ["email.bounced", "email.delivered", "email.complained"])

        // Source `payments` goes to Billing (PaymentWebhooks); a type it does not act on is ignored, no call.
        let payments = #"{"type":"payment.pending"}"#
        let other = try await mesh.router.send(
            "POST", "/v1/webhooks/inbound/payments", headers: Self.signed("pay_1", payments), body: payments)
        #expect(other.status == 200 && other.text == #"{"ignored":true}"#)
        #expect(mesh.fake.calls.count == 3)
        await mesh.shutdown()
    }

    @Test("a failed delivery is 503 with Retry-After and not marked seen: the provider's retry is processed")
    func failedDeliveryIsRetried() async throws {
        let mesh = try await CommsTestMesh(environment: Self.environment())
        mesh.fake.failure = WireError(.unavailable, "draining")
        let failed = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_r", Self.bounced), body: Self.bounced)
        #expect(failed.status == 503 && failed.json["error"] as? String == "SERVICE_UNAVAILABLE")
        #expect(failed.header("Retry-After") == "1")
        mesh.fake.failure = WireError(.internal, "boom")
        let broken = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_r", Self.bounced), body: Self.bounced)
        #expect(broken.status == 503 && broken.header("Retry-After") == "1")

        mesh.fake.failure = nil
        let retried = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_r", Self.bounced), body: Self.bounced)
        #expect(retried.status == 200 && retried.text == #"{"received":true}"#)
        #expect(mesh.fake.requests(CommsContract.recordDeliveryEvent).map(\.eventID) == ["evt_r", "evt_r", "evt_r"])
        let duplicate = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_r", Self.bounced), body: Self.bounced)
        #expect(duplicate.text == #"{"duplicate":true}"#)

        await mesh.server.shutdownGracefully(timeout: .seconds(1))
        let start = ContinuousClock.now
        let down = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_d", Self.bounced), body: Self.bounced)
        #expect(ContinuousClock.now - start < .milliseconds(1500))
        #expect(down.status == 503 && down.header("Retry-After") == "1")
        #expect(try await mesh.router.app.webhookEvents.contains(source: "email", id: "evt_d") == false)
        #expect(try await mesh.router.app.webhookEvents.contains(source: "email", id: "evt_r"))
        await mesh.shutdown()
    }

    @Test("an unknown message is acknowledged; an unknown type or shape is 400 and not marked seen")
    func unknownAndMalformed() async throws {
        let mesh = try await CommsTestMesh(environment: Self.environment())
        let unknown = #"{"type":"email.delivered","data":{"message_id":"msg_unknown","email":"ana@example.com"}}"#
        let acknowledged = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_u", unknown), body: unknown)
        #expect(acknowledged.status == 200 && acknowledged.text == #"{"received":true}"#)
        #expect(try await mesh.router.app.webhookEvents.contains(source: "email", id: "evt_u"))

        let cases: [(String, String)] = [
            (#"{"type":"email.opened","data":{"message_id":"msg_1","email":"ana@example.com"}}"#, "type"),
            (#"{"type":"email.bounced","data":{"email":"ana@example.com"}}"#, "data.message_id"),
            (#"{"type":"email.bounced","data":{"message_id":7,"email":"ana@example.com"}}"#, "data.message_id"),
            (#"{"type":"email.bounced","data":{"message_id":"","email":"ana@example.com"}}"#, "data.message_id"),
            (#"{"type":"email.bounced"}"#, "data"),
            (#"["email.bounced"]"#, "body"),
            ("not json", "body"),
        ]
        for (index, (body, field)) in cases.enumerated() {
            let id = "evt_bad_\(index)"
            let response = try await mesh.router.send("POST", Self.path, headers: Self.signed(id, body), body: body)
            #expect(response.status == 400 && response.json["error"] as? String == "VALIDATION_FAILED", "\(body)")
            #expect(response.json["field"] as? String == field, "\(body)")
            #expect(try await mesh.router.app.webhookEvents.contains(source: "email", id: id) == false)
        }
        mesh.fake.failure = PublicError.validation("email", "The email is not valid.").wireError
        let refused = try await mesh.router.send("POST", Self.path, headers: Self.signed("evt_v", Self.bounced), body: Self.bounced)
        #expect(refused.status == 400 && refused.json["field"] as? String == "email")
        #expect(try await mesh.router.app.webhookEvents.contains(source: "email", id: "evt_v") == false)
        #expect(mesh.fake.requests(CommsContract.recordDeliveryEvent).map(\.eventID) == ["evt_u", "evt_v"])
        await mesh.shutdown()
    }
}
