import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// Webhook deliveries end to end against a real receiver (Python's `http.server`, which checks every
/// signature with Python's `hmac`): signing, `email.*` events, retries, replay, rotation, timeouts, disabling.
/// Timing is only checked as ordering and lower bounds.
@Suite("Webhook deliveries (PostgreSQL + Python receiver)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct WebhookDeliveryTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a test event is signed per Standard Webhooks: Python's hmac verifies it; the delivery is recorded")
    func signatureVerifiedIndependently() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try await CommsHarness(webhooks: [:])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        #expect(created.secret.hasPrefix("whsec_"))
        #expect(created.endpoint.status == "enabled")
        receiver.trust([created.secret])
        let queued = try await harness.webhooks.test(created.endpoint.id, projectID: CommsHarness.project)
        #expect(queued.type == "webhook.test")
        #expect(["pending", "succeeded"].contains(queued.status))  // the workers may be done already
        let got = try await receiver.waitForRequests(count: 1)
        #expect(got.count == 1)
        #expect(got.first?.valid == [created.secret])
        #expect(got.first?.id == queued.eventID)
        #expect(got.first?.signature.hasPrefix("v1,") == true)
        let body = try Self.json(try #require(got.first?.body))
        #expect(body["type"] as? String == "webhook.test")
        #expect(body["timestamp"] is String)
        #expect((body["data"] as? [String: String])?["endpoint_id"] == created.endpoint.id)
        let done = try await harness.waitForDelivery(queued.id, endpointID: created.endpoint.id, status: "succeeded")
        #expect(done?.attempts == 1)
        #expect(done?.lastStatusCode == 200)
        #expect(done?.nextAttemptAt == nil)
        await workers.stop()
        await harness.close()
    }

    @Test("email.sent is recorded with the send's outcome and holds ids and states, never the body or the secret")
    func emailEvents() async throws {
        let receiver = try await WebhookReceiver.start()
        let transport = ScriptedTransport()
        let harness = try await CommsHarness(environment: CommsHarness.webhookEnvironment(), transport: transport)
        let outbox = harness.startOutbox()
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url(), events: ["email.sent", "email.delivered"])
        receiver.trust([created.secret])
        let sent = try await harness.send(SendEmailRequest(to: ["ana@example.test"], subject: "Secret plans", text: "The body text 4711"))
        _ = try await harness.waitFor(sent.id, status: "sent")
        _ = try await harness.handlers.recordDeliveryEvent(DeliveryEventRequest(
            eventID: "prov_1", type: "email.delivered", messageID: sent.id, email: "ana@example.test"))
        let got = try await receiver.waitForRequests(count: 2)
        #expect(got.count == 2)
        let bodies = try got.map { try Self.json($0.body) }
        #expect(Set(bodies.compactMap { $0["type"] as? String }) == ["email.sent", "email.delivered"])
        for (request, body) in zip(got, bodies) {
            #expect(request.valid == [created.secret])
            let data = try #require(body["data"] as? [String: String])
            #expect(data["message_id"] == sent.id)
            #expect(Set(data.keys) == ["message_id", "status"])
            #expect(!request.body.contains("4711") && !request.body.contains("Secret plans"))
            #expect(!request.body.contains(created.secret) && !request.body.contains("whsec_"))
            #expect(!request.body.contains("ana@example.test"))
        }
        await outbox.stop()
        await workers.stop()
        await harness.close()
    }

    @Test("a receiver failing twice gets the same webhook-id three times, after the schedule's waits")
    func retries() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.behave("fail 2")
        let harness = try await CommsHarness(webhooks: ["WEBHOOK_RETRY_SCHEDULE": "400ms,800ms,400ms"])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        receiver.trust([created.secret])
        let emitted = try await harness.emit(id: "evt_retry1")
        #expect(emitted == EmitEventResponse(recorded: true, deliveries: 1))
        let got = try await receiver.waitForRequests(count: 3)
        #expect(got.map(\.id) == ["evt_retry1", "evt_retry1", "evt_retry1"])
        #expect(got.map(\.status) == [500, 500, 200])
        #expect(got.allSatisfy { $0.valid == [created.secret] })
        #expect(Set(got.map(\.body)).count == 1)
        if got.count == 3 {
            // The schedule's waits with its ±10 % jitter, as lower bounds only.
            #expect(got[1].at - got[0].at >= 0.35)
            #expect(got[2].at - got[1].at >= 0.7)
        }
        let delivery = try #require(try await harness.deliveries(created.endpoint.id).first)
        let done = try await harness.waitForDelivery(delivery.id, endpointID: created.endpoint.id, status: "succeeded")
        #expect(done?.attempts == 3)
        #expect(done?.lastStatusCode == 200)
        await workers.stop()
        await harness.close()
    }

    @Test("after the last retry a delivery is failed with its attempts and last status code")
    func exhausted() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.behave("status 503")
        let harness = try await CommsHarness(webhooks: ["WEBHOOK_RETRY_SCHEDULE": "100ms,100ms"])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        try await harness.emit()
        let delivery = try #require(try await harness.deliveries(created.endpoint.id).first)
        let done = try await harness.waitForDelivery(delivery.id, endpointID: created.endpoint.id, status: "failed")
        #expect(done?.attempts == 3)
        #expect(done?.lastStatusCode == 503)
        #expect(done?.nextAttemptAt == nil)
        #expect(try await harness.deliveries(created.endpoint.id, status: "failed").count == 1)
        #expect(try await harness.deliveries(created.endpoint.id, status: "pending").isEmpty)
        await workers.stop()
        await harness.close()
    }

    @Test("replay sends the same event again with the same webhook-id, as a new delivery")
    func replay() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try await CommsHarness(webhooks: [:])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        receiver.trust([created.secret])
        try await harness.emit(id: "evt_replay1")
        let first = try #require(try await harness.deliveries(created.endpoint.id).first)
        _ = try await harness.waitForDelivery(first.id, endpointID: created.endpoint.id, status: "succeeded")
        let again = try await harness.webhooks.replay(
            WebhookDeliveryIDRequest(endpointID: created.endpoint.id, deliveryID: first.id), projectID: CommsHarness.project)
        #expect(again.id != first.id)
        #expect(again.eventID == "evt_replay1")
        let got = try await receiver.waitForRequests(count: 2)
        #expect(got.map(\.id) == ["evt_replay1", "evt_replay1"])
        #expect(got.count == 2 && got[0].body == got[1].body)
        #expect(got.allSatisfy { $0.valid == [created.secret] })
        await workers.stop()
        await harness.close()
    }

    @Test("after a rotation both secrets sign until the overlap ends, then only the new one")
    func rotation() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try await CommsHarness(webhooks: ["WEBHOOK_ROTATION_OVERLAP": "2s"])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        let rotated = try await harness.webhooks.rotate(created.endpoint.id, projectID: CommsHarness.project)
        #expect(rotated.secret != created.secret)
        receiver.trust([created.secret, rotated.secret])
        _ = try await harness.webhooks.test(created.endpoint.id, projectID: CommsHarness.project)
        let during = try await receiver.waitForRequests(count: 1)
        #expect(Set(during.first?.valid ?? []) == [created.secret, rotated.secret])
        #expect(during.first?.signature.split(separator: " ").count == 2)
        try await Task.sleep(for: .milliseconds(2500))
        _ = try await harness.webhooks.test(created.endpoint.id, projectID: CommsHarness.project)
        let after = try await receiver.waitForRequests(count: 2)
        #expect(after.last?.valid == [rotated.secret])
        #expect(after.last?.signature.split(separator: " ").count == 1)
        await workers.stop()
        await harness.close()
    }

    @Test("an endpoint that never answers times out without holding the other endpoints' deliveries")
    func neverAnswers() async throws {
        let silent = try await WebhookReceiver.start()
        silent.behave("hang")
        let healthy = try await WebhookReceiver.start()
        let harness = try await CommsHarness(webhooks: [
            "WEBHOOK_TIMEOUT_SECONDS": "1", "WEBHOOK_WORKERS": "4", "WEBHOOK_ENDPOINT_CONCURRENCY": "2",
            "WEBHOOK_RETRY_SCHEDULE": "200ms",
        ])
        let workers = harness.startWebhooks()
        let stuck = try await harness.createEndpoint(silent.url())
        let fine = try await harness.createEndpoint(healthy.url())
        for index in 0..<6 { try await harness.emit(id: "evt_hang\(index)") }
        let got = try await healthy.waitForRequests(count: 6)
        #expect(Set(got.map(\.id)).count == 6)
        #expect(try await harness.deliveries(fine.endpoint.id).count == 6)
        // The silent endpoint's tries end as timeouts: recorded without a status code.
        let deadline = ContinuousClock.now + .seconds(30)
        var failed: [WebhookDeliveryView] = []
        while ContinuousClock.now < deadline {
            failed = try await harness.deliveries(stuck.endpoint.id, status: "failed")
            if failed.count == 6 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(failed.count == 6)
        #expect(failed.allSatisfy { $0.lastStatusCode == nil && $0.attempts == 2 })
        await workers.stop()
        await harness.close()
    }

    @Test("an endpoint failing past WEBHOOK_DISABLE_AFTER is disabled, its project emailed, later events not sent")
    func disabledAfterSustainedFailure() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.behave("status 500")
        let harness = try await CommsHarness(webhooks: [
            "WEBHOOK_DISABLE_AFTER": "1s", "WEBHOOK_RETRY_SCHEDULE": "300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms",
        ])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url(), alertEmail: "owner@example.test")
        try await harness.emit()
        let deadline = ContinuousClock.now + .seconds(20)
        var endpoint = created.endpoint
        while endpoint.status == "enabled", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            endpoint = try await harness.webhooks.get(created.endpoint.id, projectID: CommsHarness.project)
        }
        #expect(endpoint.status == "disabled")
        #expect(try await harness.deliveries(created.endpoint.id, status: "pending").isEmpty)
        let mail = try await harness.store.listMessages(projectID: CommsHarness.project, status: nil, page: PageQuery())
        #expect(mail.data.map(\.to) == [["owner@example.test"]])
        // What happens while disabled is never sent, not even after enabling.
        let silentCount = receiver.requests().count
        #expect(try await harness.emit().deliveries == 0)
        _ = try await harness.webhooks.update(
            UpdateWebhookEndpointRequest(id: created.endpoint.id, status: "enabled"), projectID: CommsHarness.project)
        receiver.behave("ok")
        try await Task.sleep(for: .milliseconds(500))
        #expect(receiver.requests().count == silentCount)
        await workers.stop()
        await harness.close()
    }

    @Test("comms.EmitEvent is idempotent by event id and reaches only subscribed, enabled endpoints")
    func emitIdempotent() async throws {
        let receiver = try await WebhookReceiver.start()
        let harness = try await CommsHarness(webhooks: [:])
        let workers = harness.startWebhooks()
        let wanted = try await harness.createEndpoint(receiver.url("/a"), events: ["auth.user.created"])
        _ = try await harness.createEndpoint(receiver.url("/b"), events: ["email.sent"])
        let off = try await harness.createEndpoint(receiver.url("/c"))
        _ = try await harness.webhooks.update(
            UpdateWebhookEndpointRequest(id: off.endpoint.id, status: "disabled"), projectID: CommsHarness.project)
        #expect(try await harness.emit(id: "evt_once1") == EmitEventResponse(recorded: true, deliveries: 1))
        #expect(try await harness.emit(id: "evt_once1") == EmitEventResponse(recorded: false, deliveries: 0))
        let got = try await receiver.waitForRequests(count: 1)
        try await Task.sleep(for: .milliseconds(300))
        #expect(receiver.requests().count == 1)
        #expect(got.first?.id == "evt_once1")
        #expect(try await harness.deliveries(wanted.endpoint.id).count == 1)
        await workers.stop()
        await harness.close()
    }
}
