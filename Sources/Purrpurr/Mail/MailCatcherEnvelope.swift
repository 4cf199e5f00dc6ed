/// One message the catcher accepted: the SMTP envelope and the content as received (dot-unstuffed, CRLF
/// line ends), ready to be stored.
struct MailCatcherEnvelope: Equatable, Sendable {
    /// The `MAIL FROM` reverse path, without angle brackets (empty for the null path `<>`).
    var from: String
    /// The accepted `RCPT TO` addresses, in order, without angle brackets.
    var recipients: [String]
    /// The message (headers, blank line, body), every line ending with CRLF.
    var content: [UInt8]
}
