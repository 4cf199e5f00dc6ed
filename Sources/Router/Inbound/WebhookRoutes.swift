import Contracts
import Foundation
import ServiceKit
import Wire

/// `POST /v1/webhooks/inbound/{source}`: verify (Standard Webhooks), deduplicate by id, hand over. Sources
/// `stripe` (Stripe's own signature) and `payments` go to BillingService through ``PaymentWebhooks``.
///
/// A new event goes to ``ServiceDirectory/deliverWebhook(source:id:body:context:)`` (source `email` →
/// `comms.RecordDeliveryEvent`) and its id is marked as seen **only after** the delivery succeeded, so
/// nothing is lost: an event the service could not take is answered 503 `SERVICE_UNAVAILABLE` (with
/// `Retry-After`) or 400 `VALIDATION_FAILED`, stays unseen, and the provider's retry is processed. Two
/// copies racing may both be delivered; the service is idempotent per webhook id. Answers: 200
/// `{"received":true}`, or `{"duplicate":true}` for an id already seen.
struct WebhookRoutes {
    /// The secret of each source.
    let secrets: [String: WebhookSecret]
    /// Ids already received.
    let events: WebhookEventStore
    /// Where events go.
    let services: any ServiceDirectory
    /// Warnings about events not delivered.
    let logger: Logger
    /// `STRIPE_WEBHOOK_SECRET` (source `stripe`, Stripe's own scheme; ``PaymentWebhooks``).
    var stripeSecret: String? = nil

    /// Sources `stripe` and `payments`.
    private var payments: PaymentWebhooks { PaymentWebhooks(stripeSecret: stripeSecret, events: events, services: services) }

    /// The routes.
    var routes: [Route] {
        [
            Route(.post, "/v1/webhooks/inbound/{source}", auth: .none, tag: "webhooks",
                  summary: "Receive a signed event from an outside provider",
                  request: ["type": "object"],
                  response: .init(status: 200, schema: Schemas.object(
                      [("received", ["type": "boolean"]), ("duplicate", ["type": "boolean"]), ("ignored", ["type": "boolean"])],
                      optional: ["received", "duplicate", "ignored"])),
                  rawBody: true, limitsByAddress: true, handler: receive),
        ]
    }

    @Sendable private func receive(_ context: RequestContext) async throws -> RouteResponse {
        let source = context.parameter("source").lowercased()
        if source == "stripe" { return try await payments.receiveStripe(context) }
        guard let secret = secrets[source] else { throw RouterError.notFound }
        let http = context.request
        let headers = http.headers
        let now = Date()
        let id: String
        do {
            id = try WebhookVerifier(secret: secret).verify(
                id: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                signature: headers["webhook-signature"], body: http.body, now: now)
        } catch {
            let message = error.code == .timestampOutOfTolerance
                ? "The webhook timestamp is too far from now." : "The webhook signature is missing or wrong."
            throw RouterError(error.publicCode, message)
        }
        if try await events.contains(source: source, id: id) { return .json(["duplicate": true]) }
        if source == "payments" {
            let answer = try await payments.receivePayment(body: http.body, context)
            _ = try await events.insertIfAbsent(source: source, id: id, now: now)
            return .json(answer)
        }
        let call = CallContext(requestID: context.requestID, deadline: context.deadline)
        do {
            try await services.deliverWebhook(source: source, id: id, body: http.body, context: call)
        } catch {
            let refusal = error as? RouterError ?? RouterError.serviceUnavailable
            logger.warning("inbound webhook not delivered", metadata: [
                .requestID: .string(context.requestID), LogKey("webhook.source"): .string(source),
                LogKey("webhook.id"): .string(id), .errorCode: .string(refusal.code),
            ])
            throw refusal
        }
        _ = try await events.insertIfAbsent(source: source, id: id, now: now)
        return .json(["received": true])
    }
}
