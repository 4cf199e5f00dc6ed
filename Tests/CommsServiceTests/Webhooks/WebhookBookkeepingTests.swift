import Contracts
import Foundation
import ServiceKit
import Testing
@testable import CommsService
@testable import PurrpurrTestSupport

/// The webhook outbox's batched bookkeeping on a real PostgreSQL: claims that respect each endpoint's room,
/// successes recorded by one statement (fenced per try), retention, and the delivery metrics.
@Suite("Webhook bookkeeping (PostgreSQL)", .enabled(if: CommsHarness.databaseURL != nil, CommsHarness.disabledReason))
struct WebhookBookkeepingTests {
    @Test("a claim takes at most each endpoint's room, none of a busy one, and counts a try")
    func claimRespectsRoom() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let first = try await harness.createEndpoint("http://127.0.0.1:9/a")
        let second = try await harness.createEndpoint("http://127.0.0.1:9/b")
        for index in 0..<6 { try await harness.emit(id: "evt_room\(index)") }
        let claimed = try await harness.store.claimDeliveries(
            limit: 100, perEndpoint: 4, lease: .seconds(30), room: [first.endpoint.id: 2, second.endpoint.id: 0])
        #expect(claimed.count == 2)
        #expect(claimed.allSatisfy { $0.endpointID == first.endpoint.id && $0.attempts == 1 })
        let rest = try await harness.store.claimDeliveries(limit: 100, perEndpoint: 4, lease: .seconds(30), room: [:])
        #expect(rest.filter { $0.endpointID == first.endpoint.id }.count == 4)
        #expect(rest.filter { $0.endpointID == second.endpoint.id }.count == 4)
        #expect(Set((claimed + rest).map(\.id)).count == 10)
        await harness.close()
    }

    @Test("successes are recorded by one statement, each fenced by its try; the failing streak ends")
    func batchedSuccesses() async throws {
        let harness = try await CommsHarness(webhooks: [:])
        let created = try await harness.createEndpoint("http://127.0.0.1:9/a")
        for index in 0..<3 { try await harness.emit(id: "evt_batch\(index)") }
        try await harness.pool.execute("""
            UPDATE \(harness.schema).webhook_endpoints SET failing_since = clock_timestamp() WHERE id = $1
            """, [created.endpoint.id])
        let claimed = try await harness.store.claimDeliveries(limit: 10, perEndpoint: 10, lease: .seconds(30), room: [:])
        #expect(claimed.count == 3)
        // The third claim was lost (its lease taken over: the attempt count moved on).
        try await harness.pool.execute("""
            UPDATE \(harness.schema).webhook_deliveries SET attempts = attempts + 1 WHERE id = $1
            """, [claimed[2].id])
        let recorded = try await harness.store.deliveriesSucceeded(
            claimed.map { SucceededWebhookTry(delivery: $0, statusCode: 204) })
        #expect(recorded == [true, true, false])
        let views = try await harness.deliveries(created.endpoint.id)
        #expect(views.filter { $0.status == "succeeded" }.count == 2)
        #expect(views.filter { $0.status == "succeeded" }.allSatisfy { $0.lastStatusCode == 204 && $0.nextAttemptAt == nil })
        #expect(views.first { $0.id == claimed[2].id }?.status == "pending")
        let streak = try await harness.pool.query("""
            SELECT failing_since IS NULL FROM \(harness.schema).webhook_endpoints WHERE id = $1
            """, [created.endpoint.id])
        #expect(try streak[0].decode(Bool.self, at: 0))
        #expect(try await harness.store.deliveriesSucceeded([]) == [])
        await harness.close()
    }

    @Test("retention deletes old events with their final deliveries, keeps recent ones and any still pending")
    func retention() async throws {
        let harness = try await CommsHarness(webhooks: ["WEBHOOK_RETENTION": "2h"])
        #expect(harness.config.webhooks.retention == .seconds(7200))
        let created = try await harness.createEndpoint("http://127.0.0.1:9/a")
        for id in ["evt_old_done", "evt_old_failed", "evt_old_pending", "evt_new_done"] { try await harness.emit(id: id) }
        try await harness.pool.execute("""
            UPDATE \(harness.schema).webhook_deliveries SET status = CASE
                WHEN event_id = 'evt_old_failed' THEN 'failed' WHEN event_id = 'evt_old_pending' THEN 'pending'
                ELSE 'succeeded' END
            """, [])
        try await harness.pool.execute("""
            UPDATE \(harness.schema).webhook_events SET created_at = clock_timestamp() - interval '3 hours'
            WHERE id LIKE 'evt_old%'
            """, [])
        let retention = WebhookRetention(store: harness.store, settings: harness.config.webhooks, logger: Logger(handler: harness.logs))
        #expect(try await retention.pruneOnce() == 2)
        let left = try await harness.pool.query("SELECT id FROM \(harness.schema).webhook_events ORDER BY id", [])
            .map { try $0.decode(String.self, at: 0) }
        #expect(left == ["evt_new_done", "evt_old_pending"])
        let deliveries = try await harness.deliveries(created.endpoint.id)
        #expect(Set(deliveries.map(\.eventID)) == ["evt_new_done", "evt_old_pending"])
        #expect(try await retention.pruneOnce() == 0)
        await harness.close()
    }

    @Test("WEBHOOK_RETENTION shorter than an hour is refused")
    func retentionFloor() async throws {
        #expect(throws: ConfigurationError.self) {
            try CommsServiceConfig(environment: CommsHarness.environment(smtpPort: 1, ["WEBHOOK_RETENTION": "10m"]))
        }
    }

    @Test("the metrics count tries by outcome and time each POST")
    func metrics() async throws {
        let receiver = try await WebhookReceiver.start()
        receiver.behave("fail 1")
        let harness = try await CommsHarness(webhooks: ["WEBHOOK_RETRY_SCHEDULE": "100ms"])
        let workers = harness.startWebhooks()
        let created = try await harness.createEndpoint(receiver.url())
        try await harness.emit(id: "evt_metrics1")
        let got = try await receiver.waitForRequests(count: 2)
        #expect(got.map(\.status) == [500, 200])
        let delivery = try #require(try await harness.deliveries(created.endpoint.id).first)
        _ = try await harness.waitForDelivery(delivery.id, endpointID: created.endpoint.id, status: "succeeded")
        await workers.stop()
        let metrics = harness.components.webhookOutbox.sender.metrics
        #expect(metrics.count(of: .retry) == 1)
        #expect(metrics.count(of: .succeeded) == 1)
        #expect(metrics.count(of: .failed) == 0)
        #expect(metrics.attemptSeconds.snapshot().count == 2)
        #expect(metrics.recordBatchSize.snapshot().count >= 1)
        await harness.close()
    }
}
