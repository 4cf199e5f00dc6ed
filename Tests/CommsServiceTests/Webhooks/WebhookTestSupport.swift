import Contracts
import Foundation
import ServiceKit
@testable import CommsService

extension CommsHarness {
    /// Short webhook settings: private targets and http allowed, 300 ms retries, 50 ms polling, 2 s timeout.
    static func webhookEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        [
            "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "1", "WEBHOOK_RETRY_SCHEDULE": "300ms,300ms,300ms",
            "WEBHOOK_POLL_INTERVAL_MS": "50", "WEBHOOK_LEASE_SECONDS": "5", "WEBHOOK_TIMEOUT_SECONDS": "2",
        ].merging(extra) { $1 }
    }

    /// A harness with ``webhookEnvironment(_:)``.
    convenience init(webhooks extra: [String: String]) async throws {
        try await self.init(environment: Self.webhookEnvironment(extra))
    }

    var webhooks: WebhookEndpoints { handlers.webhooks }

    /// Creates an endpoint for `project`.
    func createEndpoint(
        _ url: String, events: [String] = ["*"], project: String = CommsHarness.project, alertEmail: String? = nil
    ) async throws -> WebhookEndpointWithSecret {
        try await webhooks.create(
            CreateWebhookEndpointRequest(url: url, events: events, alertEmail: alertEmail), projectID: project)
    }

    /// The endpoint's deliveries, newest first.
    func deliveries(_ endpointID: String, project: String = CommsHarness.project, status: String? = nil)
        async throws -> [WebhookDeliveryView]
    {
        try await webhooks.deliveries(
            ListWebhookDeliveriesRequest(endpointID: endpointID, status: status, page: PageQuery(limit: 200)),
            projectID: project).data
    }

    /// Polls until the delivery reaches `status`; returns its view (the last one seen after `timeout`).
    func waitForDelivery(
        _ id: String, endpointID: String, status: String, project: String = CommsHarness.project,
        timeout: Duration = .seconds(20)
    ) async throws -> WebhookDeliveryView? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let view = try await deliveries(endpointID, project: project).first { $0.id == id }
            if view?.status == status || ContinuousClock.now >= deadline { return view }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Emits an event through `comms.EmitEvent`'s handler.
    @discardableResult
    func emit(
        _ type: WebhookEventType = .authUserCreated, id: String = ResourceID.make("evt_"), data: String = #"{"user_id":"usr_1"}"#,
        project: String = CommsHarness.project
    ) async throws -> EmitEventResponse {
        try await webhooks.emit(
            EmitEventRequest(eventID: id, type: type, occurredAt: Date(), dataJSON: data), projectID: project)
    }
}
