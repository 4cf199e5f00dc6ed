import Contracts

extension MailMessage {
    /// The most recipients one message may list.
    static let maximumRecipients = SendEmailRequest.maxRecipients
    /// The longest unsubscribe URL accepted, in octets.
    static let maximumURLOctets = 900
    /// The longest extra header value accepted, in UTF-8 octets.
    static let maximumHeaderValueOctets = 900

    /// The headers the renderer writes itself; ``extraHeaders`` cannot add them again (lower-cased).
    static let reservedHeaderNames: Set<String> = [
        "date", "message-id", "from", "sender", "reply-to", "to", "cc", "bcc", "subject", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition", "list-unsubscribe",
        "list-unsubscribe-post", "return-path", "received", "dkim-signature",
    ]

    /// Checks every field; the first problem throws naming its REST field.
    func validate() throws(MailValidationError) {
        try validateMessageID()
        try from.validate(field: "from")
        try replyTo?.validate(field: "reply_to")
        guard !to.isEmpty else { throw MailValidationError(field: "to", message: "At least one recipient is required.") }
        guard to.count <= Self.maximumRecipients else {
            throw MailValidationError(field: "to", message: "At most \(Self.maximumRecipients) recipients are allowed.")
        }
        for (index, recipient) in to.enumerated() { try recipient.validate(field: "to.\(index)") }
        try validateSubject()
        if text == nil && html == nil {
            throw MailValidationError(field: "text", message: "The message needs a text or an html body.")
        }
        if let unsubscribeURL { try Self.validateURL(unsubscribeURL) }
        for (name, value) in extraHeaders { try Self.validateExtraHeader(name: name, value: value) }
    }

    private func validateMessageID() throws(MailValidationError) {
        let bytes = Array(messageID.utf8)
        let printable = bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        let at = bytes.filter { $0 == UInt8(ascii: "@") }.count
        guard printable, at == 1, bytes.first != UInt8(ascii: "@"), bytes.last != UInt8(ascii: "@"),
            bytes.count <= 250
        else {
            throw MailValidationError(field: "message_id", message: "The message id is not valid.")
        }
    }

    private func validateSubject() throws(MailValidationError) {
        if MIMECharacters.containsControl(subject) {
            throw MailValidationError(
                field: "subject", message: "The subject cannot contain line breaks or control characters.")
        }
        let trimmed = subject.mimeTrimmingSpaces()
        guard !trimmed.isEmpty else { throw MailValidationError(field: "subject", message: "The subject is required.") }
        guard trimmed.utf8.count <= 998 else {
            throw MailValidationError(field: "subject", message: "The subject is longer than 998 bytes.")
        }
    }

    private static func validateURL(_ url: String) throws(MailValidationError) {
        let bytes = Array(url.utf8)
        let printable = bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
        let lower = url.lowercased()
        guard printable, bytes.count <= maximumURLOctets,
            (lower.hasPrefix("https://") && bytes.count > 8) || (lower.hasPrefix("http://") && bytes.count > 7)
        else {
            throw MailValidationError(
                field: "unsubscribe_url", message: "The unsubscribe URL must be an http(s) URL without spaces.")
        }
    }

    private static func validateExtraHeader(name: String, value: String) throws(MailValidationError) {
        let nameOK = !name.isEmpty && name.utf8.count <= 76 && name.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "-") || (byte < 0x80 && MIMECharacters.isAtext(byte) && byte != UInt8(ascii: "="))
        }
        guard nameOK, !reservedHeaderNames.contains(name.lowercased()) else {
            throw MailValidationError(field: "headers", message: "A header name is not valid or not allowed.")
        }
        if MIMECharacters.containsControl(value) {
            throw MailValidationError(
                field: "headers", message: "A header value cannot contain line breaks or control characters.")
        }
        guard value.utf8.count <= maximumHeaderValueOctets else {
            throw MailValidationError(field: "headers", message: "A header value is too long.")
        }
    }
}
