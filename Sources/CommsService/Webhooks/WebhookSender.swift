import Foundation
import ServiceKit
import Wire

extension LogKey {
    /// A webhook delivery id.
    static let deliveryID = LogKey("webhook.delivery_id")
    /// A webhook endpoint id.
    static let endpointID = LogKey("webhook.endpoint_id")
    /// The HTTP status an endpoint answered.
    static let statusCode = LogKey("webhook.status_code")
}

/// One try of one claimed delivery: signs the stored body per Standard Webhooks with the endpoint's key
/// (and the rotated-out key during its overlap), POSTs it through the ``GuardedHTTPClient`` within
/// ``WebhookSettings/timeout``, and records the outcome: a 2xx succeeds, anything else (another status, a
/// refused target, a timeout) is retried on the schedule, then fails. What is recorded and logged is the
/// status code and the error's kind — never the body, the response or the secret. Successes are recorded
/// by a group commit: the 2xx answers that arrive while one batch commits go together in the next statement.
struct WebhookSender: Sendable {
    /// The tables.
    let store: CommsStore
    /// The guarded client every request goes through.
    let client: GuardedHTTPClient
    /// Opens endpoints' keys.
    let sealer: WebhookSecretSealer
    /// Schedule, timeout, disabling.
    let settings: WebhookSettings
    /// Tells a project its endpoint was disabled.
    let alerts: WebhookDisabledAlert
    /// Where outcomes are logged (ids and codes only).
    let logger: Logger
    /// Outcomes and durations.
    let metrics: WebhookMetrics
    /// Records 2xx answers in batches (``CommsStore/deliveriesSucceeded(_:)``).
    let successes: GroupCommit<SucceededWebhookTry, Bool>

    /// A sender recording through `store`, counting in `metrics`.
    init(
        store: CommsStore, client: GuardedHTTPClient, sealer: WebhookSecretSealer, settings: WebhookSettings,
        alerts: WebhookDisabledAlert, logger: Logger, metrics: WebhookMetrics
    ) {
        self.store = store
        self.client = client
        self.sealer = sealer
        self.settings = settings
        self.alerts = alerts
        self.logger = logger
        self.metrics = metrics
        self.successes = GroupCommit(maximumBatch: 500) { [metrics] tries in
            metrics.recordBatchSize.observe(Double(tries.count))
            return try await store.deliveriesSucceeded(tries).map { .success($0) }
        }
    }

    /// Tries `delivery` and records what happened; `onSent` runs once the request is over (before the
    /// recording). Throws only database errors (the lease then expires and the delivery is tried again).
    func deliver(_ delivery: ClaimedWebhookDelivery, onSent: @Sendable () -> Void = {}) async throws {
        guard delivery.endpointEnabled else {
            onSent()
            try await store.deliveryAbandoned(delivery, reason: "The endpoint is disabled.")
            metrics.count(.abandoned)
            return
        }
        let request: HTTPClientRequest
        do {
            request = try self.request(for: delivery, now: Date())
        } catch {
            onSent()
            try await failed(delivery, statusCode: nil, error: "The endpoint's signing key or URL cannot be used.")
            return
        }
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.send(request, timeout: settings.timeout)
        } catch {
            onSent()
            metrics.attemptSeconds.observe(ContinuousClock.now - started)
            try await failed(delivery, statusCode: nil, error: Self.describe(error))
            return
        }
        onSent()
        metrics.attemptSeconds.observe(ContinuousClock.now - started)
        guard (200..<300).contains(response.status) else {
            try await failed(delivery, statusCode: response.status, error: "The endpoint answered \(response.status).")
            return
        }
        try await successes.submit(SucceededWebhookTry(delivery: delivery, statusCode: response.status))
        metrics.count(.succeeded)
        log(delivery, "succeeded", status: response.status)
    }

    /// The signed POST of `delivery` at `now`.
    func request(for delivery: ClaimedWebhookDelivery, now: Date) throws -> HTTPClientRequest {
        var signers = [WebhookSigner(secret: try sealer.open(delivery.secretSealed, endpointID: delivery.endpointID))]
        if let previous = delivery.previousSecretSealed {
            signers.append(WebhookSigner(secret: try sealer.open(previous, endpointID: delivery.endpointID)))
        }
        let body = Array(delivery.payload.utf8)
        let timestamp = Int64(now.timeIntervalSince1970)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "webhook-id", value: delivery.eventID)
        headers.add(name: "webhook-timestamp", value: String(timestamp))
        headers.add(name: "webhook-signature",
                    value: WebhookSigner.signature(by: signers, id: delivery.eventID, timestamp: timestamp, body: body))
        return HTTPClientRequest(method: .post, url: try HTTPClientURL(delivery.url), headers: headers, body: body)
    }

    private func failed(_ delivery: ClaimedWebhookDelivery, statusCode: Int?, error: String) async throws {
        let retry = settings.retrySchedule.delay(afterAttempt: delivery.attempts)
        let disabled = try await store.deliveryFailed(
            delivery, statusCode: statusCode, error: error, retryAfter: retry, disableAfter: settings.disableAfter)
        metrics.count(retry == nil ? .failed : .retry)
        log(delivery, retry == nil ? "failed" : "retry", status: statusCode)
        if let disabled {
            logger.warning("webhook endpoint disabled after sustained failures", metadata: [
                .endpointID: .string(disabled.id), .projectID: .string(disabled.projectID),
            ])
            await alerts.send(disabled)
        }
    }

    private func log(_ delivery: ClaimedWebhookDelivery, _ outcome: String, status: Int?) {
        var metadata: Logger.Metadata = [
            .deliveryID: .string(delivery.id), .endpointID: .string(delivery.endpointID),
            .projectID: .string(delivery.projectID), .attempt: .int(delivery.attempts), .outcome: .string(outcome),
        ]
        if let status { metadata[.statusCode] = .int(status) }
        logger.info("webhook attempt", metadata: metadata)
    }

    /// A log- and project-safe description of a failed exchange (the kind, never a host's answer).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? HTTPClientError else { return "The request failed." }
        switch error.code {
        case .targetNotAllowed: return "The endpoint's address is not allowed."
        case .timeout, .responseHeadTimeout, .connectTimeout: return "The endpoint did not answer in time."
        default: return "The request failed (\(error.code.rawValue))."
        }
    }
}
