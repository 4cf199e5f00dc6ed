import Dispatch
import Wire

/// The one gate for connections a project can aim (its SMTP relay now; webhook URLs and WhatsApp gateways
/// next): checks the port, resolves the host (`getaddrinfo`, off the event loops), refuses it if **any** of
/// its addresses is of a kind the ``OutboundPolicy`` refuses (so a name cannot mix a public and an internal
/// address), and returns the checked addresses. Connect to exactly those (Wire's
/// `TCPConnector.connect(to:on:…serverName:)`) — never resolve the name again, or DNS could answer
/// differently the second time (rebinding). TLS still verifies the host name.
///
/// ```swift
/// let relays = OutboundGuard(policy: OutboundPolicy(allowedPorts: OutboundPolicy.smtpRelayPorts))
/// let addresses = try await relays.resolve(host: "smtp.example.com", port: 587)
/// let connection = try await TCPConnector.connect(to: addresses, on: loop, tls: context,
///                                                 serverName: "smtp.example.com") { _ in handler }
/// ```
///
/// Targets the operator sets (a platform relay in `SMTP_URL`) are trusted and do not go through a guard.
public struct OutboundGuard: Sendable {
    /// Resolves a host to its addresses (the port filled in); throws when it does not resolve.
    public typealias Resolver = @Sendable (_ host: String, _ port: Int) async throws -> [SocketAddress]

    /// What is allowed.
    public let policy: OutboundPolicy
    private let resolver: Resolver

    /// A guard resolving with the system resolver (`resolver` replaces it in tests).
    public init(policy: OutboundPolicy, resolver: Resolver? = nil) {
        self.policy = policy
        self.resolver = resolver ?? Self.systemResolver
    }

    /// Refuses a port the policy does not allow.
    public func check(port: Int) throws(OutboundRefusal) {
        guard policy.allowedPorts.contains(port) else { throw .portNotAllowed }
    }

    /// Refuses an address of a kind the policy does not allow.
    public func check(_ address: SocketAddress) throws(OutboundRefusal) {
        let category = AddressClassifier.classify(address.bytes)
        guard policy.permits(category) else { throw .addressNotAllowed(category) }
    }

    /// Checks the port, resolves `host` (a numeric address is not looked up) and checks every address;
    /// returns them, in the resolver's order, for the caller to connect to.
    public func resolve(host: String, port: Int) async throws(OutboundRefusal) -> [SocketAddress] {
        try check(port: port)
        let addresses: [SocketAddress]
        do {
            addresses = try await resolver(host, port)
        } catch {
            throw .unresolvable
        }
        guard !addresses.isEmpty else { throw .unresolvable }
        for address in addresses { try check(address) }
        return addresses
    }

    /// `getaddrinfo` on a Dispatch global queue (it blocks).
    private static let systemResolver: Resolver = { host, port in
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { () throws(TCPError) in
                    try SocketAddress.resolve(host: host, port: port)
                })
            }
        }
    }
}
