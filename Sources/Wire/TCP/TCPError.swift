/// Failures of TCP listeners and connections that are not a failed system call (those are ``SocketError``).
///
/// Descriptions name the condition only, never data that went through the connection.
public enum TCPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text is not a numeric IPv4 or IPv6 address.
    case invalidAddress(String)
    /// `getaddrinfo` could not resolve the host; `code` is its `EAI_*` result.
    case resolutionFailed(host: String, code: Int32)
    /// No connection was established within the connect timeout.
    case connectTimeout
    /// Nothing was read or written within the idle timeout.
    case idleTimeout
    /// The TLS handshake did not complete within the handshake timeout.
    case handshakeTimeout
    /// The event loop shut down while the connection or listener was open.
    case eventLoopShutdown
    /// The connection closed before it became active (for example, during the TLS handshake).
    case closedBeforeActive

    /// A short, generic text naming the condition.
    public var description: String {
        switch self {
        case .invalidAddress(let text): "not a numeric IP address: \(text)"
        case .resolutionFailed(let host, let code): "could not resolve \(host) (getaddrinfo \(code))"
        case .connectTimeout: "connect timed out"
        case .idleTimeout: "connection idle timeout"
        case .handshakeTimeout: "TLS handshake timed out"
        case .eventLoopShutdown: "event loop shut down"
        case .closedBeforeActive: "connection closed before it became active"
        }
    }
}
