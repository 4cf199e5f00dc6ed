/// What kind of network an IP address belongs to, as far as connecting to it on a project's behalf goes
/// (``AddressClassifier`` decides; ``OutboundPolicy`` says which kinds may be reached).
public enum AddressCategory: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Globally routable unicast: what a project's relay, webhook or gateway should be.
    case publicUnicast = "public"
    /// 127.0.0.0/8, ::1: this machine.
    case loopback
    /// 10/8, 172.16/12, 192.168/16, fc00::/7 (and the deprecated site-local fec0::/10, local-use NAT64
    /// 64:ff9b:1::/48): the operator's internal networks.
    case privateNetwork = "private"
    /// 100.64.0.0/10 (RFC 6598): carrier-grade NAT, also used inside clouds and Kubernetes.
    case sharedAddressSpace = "shared"
    /// 169.254.0.0/16, fe80::/10: one link only; where cloud metadata services live.
    case linkLocal = "link-local"
    /// Cloud instance metadata services (169.254.169.254, fd00:ec2::254, Alibaba's 100.100.100.200).
    case cloudMetadata = "metadata"
    /// 224.0.0.0/4, ff00::/8.
    case multicast
    /// 0.0.0.0, ::: "any address", which connects to this machine.
    case unspecified
    /// 255.255.255.255.
    case broadcast
    /// Everything else that is not public unicast: 0/8, 240/4, documentation, benchmarking and protocol
    /// ranges, IPv6 outside 2000::/3, Teredo.
    case reserved

    /// Whether a platform that allows private targets (`OUTBOUND_ALLOW_PRIVATE_NETWORKS=1`, local
    /// development) may reach this kind. Link-local, metadata and the rest never may.
    public var isPrivateTarget: Bool {
        switch self {
        case .loopback, .privateNetwork, .sharedAddressSpace: true
        default: false
        }
    }

    /// The raw value (`public`, `loopback`, `private`, …): safe for logs, names no address.
    public var description: String { rawValue }
}
