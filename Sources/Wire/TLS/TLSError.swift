/// A failure of TLS configuration, handshake or record processing.
///
/// `description` is deliberately generic: a code plus a short, fixed reason such as `"unknown CA"` or
/// OpenSSL's own reason string (`"wrong version number"`). It never contains key material, certificate
/// contents or application data, so it is safe to log.
///
/// ```swift
/// do { try session.feedCiphertext(bytes); _ = try session.readPlaintext { _ in } }
/// catch let error as TLSError where error.code == .certificateRejected { /* close, count, log error.reason */ }
/// ```
public struct TLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. The raw values are stable and may be used in metrics.
    public enum Code: Int, Sendable, Hashable {
        /// The handshake failed for a reason other than the peer's certificate.
        case handshakeFailed = 1
        /// A certificate was missing or did not verify (ours, as reported by the peer, or the peer's).
        case certificateRejected = 2
        /// The peer sent bytes that are not valid TLS, or violated the protocol after the handshake.
        case protocolError = 3
        /// The session is closed (close_notify sent or received); no more application data can be written.
        case closed = 4
        /// An internal I/O failure (memory BIO, file) or an OpenSSL syscall error.
        case io = 5
        /// Bad certificates, keys, trust roots, names or parameters given to a factory or initializer.
        case invalidConfiguration = 6
    }

    /// The failure class.
    public var code: Code
    /// A short, non-secret reason: for `certificateRejected` one of `"no certificate"`, `"unknown CA"`,
    /// `"name mismatch"`, `"expired"`, `"not yet valid"`, `"wrong purpose"`, `"rejected by peer"`, …
    public var reason: String

    /// Makes an error with a code and a short reason (never put secrets in `reason`).
    public init(_ code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// A generic, loggable text: the code's meaning plus the short reason.
    public var description: String {
        let what: String
        switch code {
        case .handshakeFailed: what = "TLS handshake failed"
        case .certificateRejected: what = "TLS certificate rejected"
        case .protocolError: what = "TLS protocol error"
        case .closed: what = "TLS session closed"
        case .io: what = "TLS I/O error"
        case .invalidConfiguration: what = "invalid TLS configuration"
        }
        return reason.isEmpty ? what : "\(what): \(reason)"
    }
}
