import Foundation

/// One email to render into RFC 5322 bytes (MIME: text, html, or `multipart/alternative`).
///
/// ```swift
/// let message = MailMessage(
///     messageID: "msg_abc@mail.purrpurr.dev", date: Date(),
///     from: try MailAddress(parsing: "Purrpurr <hello@purrpurr.dev>", field: "from"),
///     to: [try MailAddress(parsing: "ana@example.com")],
///     subject: "¡Hola!", text: "Hi Ana", html: "<p>Hi Ana</p>")
/// let bytes = try message.render()   // CRLF line ends, every line ≤ 998 octets
/// ```
///
/// Rendering validates every field first (``MailValidationError`` names the REST field): header injection
/// through any field (CR, LF, NUL or any other control character in the subject, names, addresses, ids, URLs,
/// extra headers) is refused.
struct MailMessage: Sendable {
    /// The Message-ID without angle brackets, e.g. `msg_abc@mail.purrpurr.dev`.
    var messageID: String
    /// The `Date` header's instant (rendered in UTC).
    var date: Date
    /// The sender.
    var from: MailAddress
    /// The `Reply-To` address, if any.
    var replyTo: MailAddress?
    /// Every recipient (at least one), all listed in `To`.
    var to: [MailAddress]
    /// The subject: required (non-empty after trimming), at most 998 octets.
    var subject: String
    /// The plain-text body, if any.
    var text: String?
    /// The HTML body, if any.
    var html: String?
    /// When set, adds `List-Unsubscribe: <url>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
    /// (RFC 8058). Must be an `https://` (or `http://`) URL of printable ASCII.
    var unsubscribeURL: String?
    /// Further headers, e.g. `("X-Purrpurr-Message-Id", "msg_abc")`, validated like the rest; the headers this
    /// type writes itself (Date, From, To, Subject, Content-Type, …) cannot be overridden.
    var extraHeaders: [(String, String)] = []

    /// A message; every field is validated by ``render()``.
    init(
        messageID: String, date: Date, from: MailAddress, replyTo: MailAddress? = nil, to: [MailAddress],
        subject: String, text: String? = nil, html: String? = nil, unsubscribeURL: String? = nil,
        extraHeaders: [(String, String)] = []
    ) {
        self.messageID = messageID
        self.date = date
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.unsubscribeURL = unsubscribeURL
        self.extraHeaders = extraHeaders
    }

    /// Whether an address is not ASCII, so the SMTP transaction needs the SMTPUTF8 extension (RFC 6531).
    var requiresSMTPUTF8: Bool {
        ([from] + to + (replyTo.map { [$0] } ?? [])).contains { !MIMECharacters.isASCII($0.address) }
    }

    /// The RFC 5322 bytes: headers, a blank line and the MIME body, CRLF line ends, every line ≤ 998 octets,
    /// ending with CRLF. Dots at line starts are left alone (the SMTP layer dot-stuffs).
    func render() throws(MailValidationError) -> [UInt8] {
        try validate()
        var headers = MIMEHeaderWriter()
        headers.append("Date", raw: MIMEHeaderWriter.formatDate(date))
        headers.append("Message-ID", raw: "<\(messageID)>")
        headers.appendAddresses("From", [from])
        if let replyTo { headers.appendAddresses("Reply-To", [replyTo]) }
        headers.appendAddresses("To", to)
        headers.appendUnstructured("Subject", subject.mimeTrimmingSpaces())
        headers.append("MIME-Version", raw: "1.0")
        if let unsubscribeURL {
            headers.append("List-Unsubscribe", raw: "<\(unsubscribeURL)>")
            headers.append("List-Unsubscribe-Post", raw: "List-Unsubscribe=One-Click")
        }
        for (name, value) in extraHeaders { headers.appendUnstructured(name, value) }
        let body = MIMEBody.make(text: text, html: html)
        for (name, value) in body.headers { headers.append(name, raw: value) }
        var bytes = headers.bytes
        bytes.append(contentsOf: [13, 10])
        bytes.append(contentsOf: body.content)
        return bytes
    }
}
