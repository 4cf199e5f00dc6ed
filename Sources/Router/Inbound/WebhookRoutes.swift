import Foundation

/// `POST /v1/webhooks/inbound/{source}`: verify (Standard Webhooks), deduplicate by id, hand over.
///
/// Pending the Comms forwarding: a new event is passed to ``ServiceDirectory/deliverWebhook(source:id:body:)``,
/// which for now accepts it without forwarding, and answered 200 `{"received":true}`.
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
        guard try await app.webhookEvents.insertIfAbsent(source: source, id: id, now: now) else {
            return .json(["duplicate": true])
        }
        try await app.services.deliverWebhook(source: source, id: id, body: request.http.body)
        return .json(["received": true])
    }
}
