/// Why ``HTTPClient/send(_:timeout:)`` failed. ``code`` is stable (for metrics, retries and the caller's own
/// error); ``description`` names the rule or the step that failed, never a header value, a body byte or a URL's
/// path or query, so it is safe for logs.
public struct HTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The URL is not `http://` or `https://` with a host, or a header or the method is malformed.
        case invalidRequest = "invalid_request"
        /// The target was refused before connecting (an outbound guard: a private address, a port, plain http).
        case targetNotAllowed = "target_not_allowed"
        /// The host name did not resolve.
        case resolveFailed = "resolve_failed"
        /// No address accepted the TCP connection.
        case connectFailed = "connect_failed"
        /// The TCP connect (or the TLS handshake) took longer than the connect timeout.
        case connectTimeout = "connect_timeout"
        /// The TLS handshake failed: an untrusted certificate, a host name it does not carry, no common version.
        case tlsFailed = "tls_failed"
        /// The response's status line and headers did not arrive within the head timeout.
        case responseHeadTimeout = "response_head_timeout"
        /// The whole exchange (pool wait, connect, send, response) took longer than its timeout.
        case timeout = "timeout"
        /// The response body is larger than ``HTTPClient/Configuration/maxResponseBytes``.
        case responseTooLarge = "response_too_large"
        /// The response broke HTTP/1.1 (status line, headers, framing, chunks).
        case malformedResponse = "malformed_response"
        /// The server closed the connection before the response was complete.
        case connectionClosed = "connection_closed"
        /// The calling task was cancelled.
        case cancelled = "cancelled"
    }

    /// What failed.
    public let code: Code
    /// A sentence safe for logs (a rule, a step, a category — never values).
    public let reason: String
    /// The server closed a reused connection before sending a byte of this response: the request may be
    /// sent again on a new connection (if it is idempotent, or was never sent).
    var closedBeforeResponse = false
    /// False when the request was never written (the connection was found closed first).
    var requestWasSent = true

    /// An error with a code and a log-safe reason.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `code: reason`.
    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(reason)
    }
}
