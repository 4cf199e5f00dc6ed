import Foundation
import ServiceKit
import Wire

/// `POST /v1/webhooks/inbound/{source}`: verify (Standard Webhooks), deduplicate by id, hand over.
///
/// A new event goes to ``ServiceDirectory/deliverWebhook(source:id:body:context:)`` (source `email` →
/// `comms.RecordDeliveryEvent`) and its id is marked as seen **only after** the delivery succeeded, so
/// nothing is lost: an event the service could not take is answered 503 `SERVICE_UNAVAILABLE` (with
/// `Retry-After`) or 400 `VALIDATION_FAILED`, stays unseen, and the provider's retry is processed. Two
/// copies racing may both be delivered; the service is idempotent per webhook id. Answers: 200
/// `{"received":true}`, or `{"duplicate":true}` for an id already seen.
enum WebhookRoutes {
    /// The routes.
    static let routes: [Route] = [
        Route(.post, "/v1/webhooks/inbound/{source}", auth: .none, tag: "webhooks",
              summary: "Receive a signed event from an outside provider",
              request: ["type": "object"],
              response: .init(status: 200, schema: Schemas.object(
                  [("received", ["type": "boolean"]), ("duplicate", ["type": "boolean"])],
                  optional: ["received", "duplicate"])),
              rawBody: true, limitsByAddress: true, handler: receive),
    ]

    @Sendable private static func receive(_ request: RouteRequest) async throws -> RouteResponse {
        let app = request.app
        let source = request.parameter("source").lowercased()
        guard let secret = app.config.webhookSecrets[source] else { throw RouterError.notFound }
        let headers = request.http.headers
        let now = Date()
        let id: String
        do {
            id = try WebhookVerifier(secret: secret).verify(
                id: headers["webhook-id"], timestamp: headers["webhook-timestamp"],
                signature: headers["webhook-signature"], body: request.http.body, now: now)
        } catch {
            let message = error.code == .timestampOutOfTolerance
                ? "The webhook timestamp is too far from now." : "The webhook signature is missing or wrong."
            throw RouterError(status: error.status, code: error.code.rawValue, message: message)
        }
        if try await app.webhookEvents.contains(source: source, id: id) { return .json(["duplicate": true]) }
        let context = CallContext(requestID: request.requestID, deadline: request.deadline)
        do {
            try await app.services.deliverWebhook(source: source, id: id, body: request.http.body, context: context)
        } catch {
            let refusal = error as? RouterError ?? RouterError.serviceUnavailable
            app.logger.warning("inbound webhook not delivered", metadata: [
                .requestID: .string(request.requestID), LogKey("webhook.source"): .string(source),
                LogKey("webhook.id"): .string(id), .errorCode: .string(refusal.code),
            ])
            throw refusal
        }
        _ = try await app.webhookEvents.insertIfAbsent(source: source, id: id, now: now)
        return .json(["received": true])
    }
}
