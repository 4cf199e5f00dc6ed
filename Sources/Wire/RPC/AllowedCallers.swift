/// Which caller services may use a method. The caller is the service name in the peer's mesh certificate
/// (`CallContext.callerService`), never anything the peer claims in its bytes.
///
/// ```swift
/// let getUser = MethodDescriptor<GetUser, User>("identity.GetUser", allowedCallers: .only(["router", "billing"]))
/// ```
public enum AllowedCallers: Sendable, Hashable {
    /// Any service with a valid mesh certificate.
    case any
    /// Only these service names.
    case only(Set<String>)

    /// Whether `service` (nil: a peer whose certificate names no service) may call.
    public func allows(_ service: String?) -> Bool {
        switch self {
        case .any: true
        case .only(let names): service.map(names.contains) ?? false
        }
    }
}
