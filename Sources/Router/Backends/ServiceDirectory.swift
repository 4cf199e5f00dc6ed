import Wire

/// The seam to the mesh: the services behind the Router, for `/readyz` and the routes' Wire calls.
///
/// ``WireServiceDirectory`` is used when `<SERVICE>_WIRE_ENDPOINTS` are configured (it pings each service
/// over Wire); otherwise ``EmptyServiceDirectory``, and `/readyz` answers `{"status":"ok","services":{}}`.
/// Inbound webhooks are not forwarded by either yet (pending the Comms contract).
protocol ServiceDirectory: Sendable {
    /// Each configured service's state: name → `"ok"` or `"unavailable"`.
    func health() async -> [(name: String, status: String)]
    /// Hands a verified, deduplicated inbound webhook to the service owning `source`.
    func deliverWebhook(source: String, id: String, body: [UInt8]) async throws
    /// The Wire client of `service` (`identity`, `comms`, …), or nil when it is not configured.
    func client(for service: String) -> WireClient?
}

/// No services configured: everything is ready, and webhooks are accepted without forwarding.
struct EmptyServiceDirectory: ServiceDirectory {
    func health() async -> [(name: String, status: String)] { [] }
    func deliverWebhook(source: String, id: String, body: [UInt8]) async throws {}
    func client(for service: String) -> WireClient? { nil }
}
