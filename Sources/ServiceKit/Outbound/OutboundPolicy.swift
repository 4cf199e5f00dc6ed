/// Which targets a connection that a project can aim (its SMTP relay; next its webhook URLs and WhatsApp
/// gateway) may reach: the allowed ports, and whether loopback, private and shared (CGNAT) addresses are
/// allowed too. Public unicast is always allowed; link-local, cloud metadata, multicast, unspecified,
/// broadcast and reserved addresses never are (``AddressCategory``).
///
/// ```swift
/// var reader = EnvironmentReader(environment)
/// let relays = OutboundPolicy(allowedPorts: OutboundPolicy.smtpRelayPorts,
///                             allowsPrivateNetworks: OutboundPolicy.allowsPrivateNetworks(reading: &reader))
/// ```
public struct OutboundPolicy: Sendable, Hashable {
    /// The ports a target may use; any other is refused.
    public var allowedPorts: Set<Int>
    /// Whether loopback, private and shared addresses may be reached (local development, tests).
    public var allowsPrivateNetworks: Bool

    /// Creates a policy.
    public init(allowedPorts: Set<Int>, allowsPrivateNetworks: Bool = false) {
        self.allowedPorts = allowedPorts
        self.allowsPrivateNetworks = allowsPrivateNetworks
    }

    /// SMTP submission and relay ports: 25, 465, 587 and the common alternative 2525.
    public static let smtpRelayPorts: Set<Int> = [25, 465, 587, 2525]

    /// `OUTBOUND_ALLOW_PRIVATE_NETWORKS`: `1`/`true` lets projects' targets be on loopback, private and
    /// shared networks (the platform's own, e.g. `purrpurr up`'s mail catcher). Default off.
    public static let allowPrivateNetworksVariable = "OUTBOUND_ALLOW_PRIVATE_NETWORKS"

    /// Whether `category` may be reached under this policy.
    public func permits(_ category: AddressCategory) -> Bool {
        category == .publicUnicast || (allowsPrivateNetworks && category.isPrivateTarget)
    }

    /// Reads ``allowPrivateNetworksVariable`` (`1`, `true`, `yes` / `0`, `false`, `no`; unset: false),
    /// recording a malformed value.
    public static func allowsPrivateNetworks(reading reader: inout EnvironmentReader) -> Bool {
        guard let text = reader.raw(allowPrivateNetworksVariable) else { return false }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes": return true
        case "0", "false", "no": return false
        default:
            reader.record(allowPrivateNetworksVariable, .malformed, expected: "1 or 0")
            return false
        }
    }
}
