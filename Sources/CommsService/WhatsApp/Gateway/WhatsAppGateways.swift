import Contracts
import ServiceKit
import Wire

/// The gateway of each project: its own (`PUT /v1/comms/whatsapp/settings`, the key opened from its seal),
/// else the platform's (`EVOLUTION_URL`). The platform's is the operator's and may be private (`purrpurr up`);
/// a project's goes through the outbound guard with the webhooks' policy.
struct WhatsAppGateways: Sendable {
    let store: WhatsAppStore
    let sealer: RelaySealer
    let settings: WhatsAppSettings
    /// For the platform's gateway (private targets allowed: the operator chose it).
    let platformHTTP: GuardedHTTPClient
    /// For projects' gateways.
    let projectHTTP: GuardedHTTPClient

    /// Builds the two clients on the shared event loops.
    init(store: WhatsAppStore, sealer: RelaySealer, settings: WhatsAppSettings, resolver: OutboundGuard.Resolver? = nil) throws {
        var http = HTTPClient.Configuration()
        http.connectTimeout = .seconds(5)
        http.responseHeadTimeout = .seconds(15)
        http.timeout = .seconds(20)
        http.maxResponseBytes = 1024 * 1024
        // SmartSend paces up to `WHATSAPP_INSTANCES_PER_REPLICA` instances at once, most on one gateway.
        http.maxConnectionsPerOrigin = 32
        let group = try ServiceContext.sharedEventLoopGroup()
        self.store = store
        self.sealer = sealer
        self.settings = settings
        self.platformHTTP = try GuardedHTTPClient(
            group: group, policy: OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: true),
            allowsPlainHTTP: true, configuration: http, resolver: resolver)
        self.projectHTTP = try GuardedHTTPClient(
            group: group,
            policy: OutboundPolicy(allowedPorts: OutboundPolicy.anyPort, allowsPrivateNetworks: settings.allowsPrivateNetworks),
            configuration: http, resolver: resolver)
    }

    /// The project's gateway client; `VALIDATION_FAILED` (`gateway_url`) when there is none.
    func client(projectID: String) async throws -> EvolutionClient {
        let own = try await store.settings(projectID: projectID)
        if let url = own.url, !url.isEmpty {
            let key = try own.sealedKey.map { try sealer.open($0, projectID: projectID) } ?? Secret("")
            return EvolutionClient(http: projectHTTP, baseURL: url, apiKey: key)
        }
        guard let url = settings.platformURL, let key = settings.platformAPIKey else {
            throw PublicError.validation(
                "gateway_url", "No WhatsApp gateway is configured: set one with PUT /v1/comms/whatsapp/settings.")
        }
        return EvolutionClient(http: platformHTTP, baseURL: url, apiKey: key)
    }

    /// The webhook URL of an instance whose token is `token`.
    func webhookURL(token: String) -> String {
        settings.publicURL + "/v1/webhooks/inbound/whatsapp/" + token
    }
}
