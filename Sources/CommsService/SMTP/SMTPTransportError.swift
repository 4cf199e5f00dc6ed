/// Why talking to a relay failed below the level of SMTP replies. Descriptions name the step and the cause
/// (a timeout, a socket or TLS error), never data that crossed the connection.
enum SMTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// TCP connect or the implicit-TLS handshake failed; the text is the transport's error description.
    case connectFailed(String)
    /// No reply within the step's timeout (`step` names what was awaited, e.g. `the reply to RCPT TO`).
    case timeout(step: String)
    /// The connection closed; the text is the cause, if any.
    case closed(String?)
    /// The relay broke the protocol (malformed or oversized reply, bytes after `220` to STARTTLS).
    case protocolViolation(String)
    /// The STARTTLS handshake failed (certificate, protocol); the text is the TLS error description.
    case tls(String)
    /// The sending task was cancelled.
    case cancelled

    /// The step and the cause, for an outcome's `detail`.
    var description: String {
        switch self {
        case .connectFailed(let cause): "cannot connect to the relay: \(cause)"
        case .timeout(let step): "timed out waiting for \(step)"
        case .closed(let cause?): "the relay closed the connection: \(cause)"
        case .closed(nil): "the relay closed the connection"
        case .protocolViolation(let what): "SMTP protocol error: \(what)"
        case .tls(let cause): "TLS with the relay failed: \(cause)"
        case .cancelled: "cancelled"
        }
    }
}
