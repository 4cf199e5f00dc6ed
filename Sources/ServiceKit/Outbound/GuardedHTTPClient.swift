import Wire

/// Wire's ``HTTPClient`` behind an ``OutboundGuard``: the way to call a URL a project chose (webhook
/// endpoints, an OIDC provider's token endpoint). Before connecting it refuses `http://` unless plain HTTP
/// is allowed, refuses a port the policy does not allow, resolves the host through the guard (which refuses
/// loopback, private, link-local and metadata addresses unless the policy allows private networks) and
/// connects to exactly the addresses it checked, so DNS cannot answer differently at connect time. TLS still
/// verifies the host name. Refusals are ``HTTPClientError/Code/targetNotAllowed``, with the guard's
/// log-safe reason.
///
/// ```swift
/// var reader = EnvironmentReader(environment)
/// let hooks = try GuardedHTTPClient(group: group, policy: .webhookTargets(reading: &reader))
/// let response = try await hooks.send(try HTTPClientRequest(method: .post, url: endpoint, body: payload))
/// ```
///
/// Like Svix, any port is allowed for webhook targets; like Stripe and Svix, only `https://` — plain
/// `http://` only where the platform allows private networks too (`OUTBOUND_ALLOW_PRIVATE_NETWORKS=1`,
/// which `purrpurr up` sets), because that is local development.
public final class GuardedHTTPClient: Sendable {
    /// The guard every new connection goes through.
    public let outboundGuard: OutboundGuard
    /// Whether `http://` URLs may be called.
    public let allowsPlainHTTP: Bool
    private let client: HTTPClient

    /// A client on `group` guarded by `policy`; `allowsPlainHTTP` defaults to the policy's
    /// `allowsPrivateNetworks`. `configuration`'s resolver is replaced by the guard.
    public init(
        group: EventLoopGroup, policy: OutboundPolicy, allowsPlainHTTP: Bool? = nil,
        configuration: HTTPClient.Configuration = HTTPClient.Configuration(),
        resolver: OutboundGuard.Resolver? = nil
    ) throws {
        let outboundGuard = OutboundGuard(policy: policy, resolver: resolver)
        var configuration = configuration
        configuration.resolver = { url in
            do throws(OutboundRefusal) {
                return try await outboundGuard.resolve(host: url.host, port: url.port)
            } catch {
                throw HTTPClientError(error == .unresolvable ? .resolveFailed : .targetNotAllowed, error.description)
            }
        }
        self.outboundGuard = outboundGuard
        self.allowsPlainHTTP = allowsPlainHTTP ?? policy.allowsPrivateNetworks
        self.client = try HTTPClient(group: group, configuration: configuration)
    }

    /// Sends `request` if its scheme and port are allowed (its addresses are checked when a connection is
    /// opened); see ``HTTPClient/send(_:timeout:)``.
    public func send(_ request: HTTPClientRequest, timeout: Duration? = nil) async throws(HTTPClientError) -> HTTPClientResponse {
        guard request.url.isSecure || allowsPlainHTTP else {
            throw HTTPClientError(.targetNotAllowed, "only https:// URLs are allowed")
        }
        do {
            try outboundGuard.check(port: request.url.port)
        } catch {
            throw HTTPClientError(.targetNotAllowed, error.description)
        }
        return try await client.send(request, timeout: timeout)
    }

    /// Closes idle connections.
    public func shutdown() {
        client.shutdown()
    }
}

extension OutboundPolicy {
    /// Every TCP port: webhook endpoints may listen anywhere (Svix allows any port; the address checks
    /// are what keep them off internal networks).
    public static let anyPort: Set<Int> = Set(1...65535)

    /// Webhook and OIDC targets: any port, public addresses only unless `OUTBOUND_ALLOW_PRIVATE_NETWORKS=1`.
    public static func webhookTargets(reading reader: inout EnvironmentReader) -> OutboundPolicy {
        OutboundPolicy(allowedPorts: anyPort, allowsPrivateNetworks: allowsPrivateNetworks(reading: &reader))
    }
}
