/// One message to relay: the SMTP envelope plus the RFC 5322 message.
///
/// `data` may use bare LF or CR line ends and may hold lines starting with `.`: the client normalises
/// line ends to CRLF and dot-stuffs before sending. It is never logged or put in an outcome's `detail`.
struct SMTPEnvelope: Sendable {
    /// The reverse path (`MAIL FROM`); empty for a null sender (`<>`).
    var mailFrom: String
    /// The forward paths (`RCPT TO`), at least one.
    var recipients: [String]
    /// The RFC 5322 message (headers, blank line, body).
    var data: [UInt8]

    /// Creates an envelope.
    init(mailFrom: String, recipients: [String], data: [UInt8]) {
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.data = data
    }
}
