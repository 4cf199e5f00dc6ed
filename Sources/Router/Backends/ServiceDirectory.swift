import Contracts
import Wire

/// The seam to the mesh: the services behind the Router, for `/readyz` and the routes' Wire calls.
///
/// ``WireServiceDirectory`` is used when `<SERVICE>_WIRE_ENDPOINTS` are configured (it pings each service
/// over Wire); otherwise ``EmptyServiceDirectory``, and `/readyz` answers `{"status":"ok","services":{}}`.
/// Inbound webhooks: source `email` goes to CommsService as `comms.RecordDeliveryEvent`; `payments` and
/// `stripe` go to BillingService (``PaymentWebhooks``, before this seam); other sources with a configured
/// secret are acknowledged without forwarding (planned: `whatsapp`).
protocol ServiceDirectory: Sendable {
    /// Each configured service's state: name → `"ok"` or `"unavailable"`.
    func health() async -> [(name: String, status: String)]
    /// Hands a verified inbound webhook to the service owning `source`, under `context` (the request id and
    /// deadline; no project). Returning means the event is safely recorded (or needs no recording): only then
    /// does the Router mark `id` as seen. The receiving service must be idempotent per `id`, since a retry
    /// may deliver the same event again (e.g. after the mark failed to be written).
    ///
    /// - Throws: ``RouterError``: 400 `VALIDATION_FAILED` for an `email` event of an unknown type or shape,
    ///   503 `SERVICE_UNAVAILABLE` when the owning service cannot take it now (the provider retries).
    func deliverWebhook(source: String, id: String, body: [UInt8], context: CallContext) async throws
    /// The Wire client of `service`, or nil when it is not configured.
    func client(for service: MeshService) -> WireClient?
}

/// No services configured: everything is ready, and webhooks are accepted without forwarding (an `email`
/// event is still checked for shape, so a bad one is refused as it would be with the mesh).
struct EmptyServiceDirectory: ServiceDirectory {
    func health() async -> [(name: String, status: String)] { [] }
    func deliverWebhook(source: String, id: String, body: [UInt8], context: CallContext) async throws {
        if source == "email" { _ = try EmailWebhookEvent(body: body) }
    }
    func client(for service: MeshService) -> WireClient? { nil }
}
