/// The seam to the mesh: the services behind the Router, for `/readyz` and (next) the Wire calls.
///
/// **Pending the Wire RPC client.** Nothing is configured yet, so ``EmptyServiceDirectory`` is used and
/// `/readyz` answers `{"status":"ok","services":{}}`. When `Wire/RPC` lands, an implementation holding one
/// client per service pings each in ``health()`` and forwards inbound webhooks in ``deliverWebhook(source:id:body:)``.
protocol ServiceDirectory: Sendable {
    /// Each configured service's state: name → `"ok"` or `"down"`.
    func health() async -> [(name: String, status: String)]
    /// Hands a verified, deduplicated inbound webhook to the service owning `source`.
    func deliverWebhook(source: String, id: String, body: [UInt8]) async throws
}

/// No services configured: everything is ready, and webhooks are accepted without forwarding.
struct EmptyServiceDirectory: ServiceDirectory {
    func health() async -> [(name: String, status: String)] { [] }
    func deliverWebhook(source: String, id: String, body: [UInt8]) async throws {}
}
