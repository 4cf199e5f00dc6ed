/// Why an ``OutboundGuard`` refused a target. Descriptions name the rule, never an address or a host's
/// answer, so they are safe for logs; callers facing a project use their own words ("the relay's address
/// is not allowed").
public enum OutboundRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The port is not one the policy allows.
    case portNotAllowed
    /// The host is, or resolves to, an address of a kind the policy refuses.
    case addressNotAllowed(AddressCategory)
    /// The host name did not resolve (now): nothing to check, nothing to connect to.
    case unresolvable

    /// The rule that refused, e.g. "the address is not allowed (loopback)".
    public var description: String {
        switch self {
        case .portNotAllowed: "the port is not allowed"
        case .addressNotAllowed(let category): "the address is not allowed (\(category))"
        case .unresolvable: "the host name does not resolve"
        }
    }
}
