extension MailCatcherSession {
    /// Answers one command line.
    mutating func command(_ line: [UInt8]) -> [Action] {
        let text = String(decoding: line, as: UTF8.self)
        let verbEnd = text.firstIndex(of: " ") ?? text.endIndex
        let verb = text[..<verbEnd].uppercased()
        let argument = String(text[verbEnd...].drop(while: { $0 == " " }))
        switch verb {
        case "EHLO", "HELO":
            return [.reply(hello(extended: verb == "EHLO", domain: argument))]
        case "MAIL":
            return [.reply(mail(argument, valid: line.isValidUTF8))]
        case "RCPT":
            return [.reply(rcpt(argument, valid: line.isValidUTF8))]
        case "DATA":
            return [.reply(data(argument))]
        case "RSET":
            resetTransaction()
            if state != .awaitingHello { enter(.idle) }
            return [.reply(Self.ok)]
        case "NOOP":
            return [.reply(Self.ok)]
        case "QUIT":
            return closing(MailCatcherReply(221, "\(Self.hostname) closing connection"))
        case "VRFY":
            return [.reply(MailCatcherReply(252, "Cannot VRFY user, but will accept message and attempt delivery"))]
        case "":
            return [.reply(MailCatcherReply(500, "Syntax error, command unrecognized"))]
        default:
            return [.reply(MailCatcherReply(502, "Command not implemented"))]
        }
    }

    private static let ok = MailCatcherReply(250, "OK")

    /// EHLO/HELO: greets (a transaction in progress is dropped, RFC 5321 §4.1.4).
    private mutating func hello(extended: Bool, domain: String) -> MailCatcherReply {
        guard !domain.isEmpty else {
            return MailCatcherReply(501, "Syntax: \(extended ? "EHLO" : "HELO") hostname")
        }
        resetTransaction()
        enter(.idle)
        guard extended else { return MailCatcherReply(250, Self.hostname) }
        return MailCatcherReply(250, [
            "\(Self.hostname) Purrpurr mail catcher", "8BITMIME", "SMTPUTF8", "SIZE \(maxMessageBytes)", "PIPELINING",
        ])
    }

    /// `MAIL FROM:<path> [SIZE=n] [BODY=7BIT|8BITMIME] [SMTPUTF8]`.
    private mutating func mail(_ argument: String, valid: Bool) -> MailCatcherReply {
        switch state {
        case .awaitingHello: return MailCatcherReply(503, "Bad sequence of commands: send EHLO or HELO first")
        case .mail: return MailCatcherReply(503, "Bad sequence of commands: nested MAIL command")
        default: break
        }
        guard valid, let (path, parameters) = Self.splitPath(argument, keyword: "FROM:") else {
            return MailCatcherReply(501, "Syntax: MAIL FROM:<address>")
        }
        var utf8 = false
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count == 2 ? parts[1].uppercased() : nil
            switch (parts[0].uppercased(), value) {
            case ("SIZE", let size?):
                guard !size.isEmpty, size.count <= 18, size.allSatisfy(\.isASCIIDigitCharacter), let bytes = Int(size)
                else { return MailCatcherReply(501, "Syntax: SIZE=<number>") }
                if bytes > maxMessageBytes {
                    return MailCatcherReply(552, "Message exceeds the maximum size of \(maxMessageBytes) bytes")
                }
            case ("BODY", "7BIT"?), ("BODY", "8BITMIME"?):
                break
            case ("SMTPUTF8", nil):
                utf8 = true
            default:
                return MailCatcherReply(555, "MAIL FROM parameter not recognized or not implemented")
            }
        }
        if let refusal = Self.check(path, utf8: utf8, allowEmpty: true) { return refusal }
        from = path
        utf8Addresses = utf8
        recipients = []
        enter(.mail)
        return Self.ok
    }

    /// `RCPT TO:<path>`.
    private mutating func rcpt(_ argument: String, valid: Bool) -> MailCatcherReply {
        guard state == .mail else {
            return MailCatcherReply(503, "Bad sequence of commands: send MAIL first")
        }
        guard valid, let (path, parameters) = Self.splitPath(argument, keyword: "TO:") else {
            return MailCatcherReply(501, "Syntax: RCPT TO:<address>")
        }
        guard parameters.isEmpty else {
            return MailCatcherReply(555, "RCPT TO parameter not recognized or not implemented")
        }
        if let refusal = Self.check(path, utf8: utf8Addresses, allowEmpty: false) { return refusal }
        guard recipients.count < Self.maximumRecipients else {
            return MailCatcherReply(452, "Too many recipients")
        }
        recipients.append(path)
        return Self.ok
    }

    /// `DATA`: `354` once there is a recipient.
    private mutating func data(_ argument: String) -> MailCatcherReply {
        guard argument.isEmpty else { return MailCatcherReply(501, "Syntax: DATA") }
        switch state {
        case .mail where !recipients.isEmpty:
            content = []
            oversize = false
            enter(.data)
            return MailCatcherReply(354, "End data with <CR><LF>.<CR><LF>")
        case .mail:
            return MailCatcherReply(503, "Bad sequence of commands: send RCPT first")
        default:
            return MailCatcherReply(503, "Bad sequence of commands: send MAIL first")
        }
    }

    /// Splits `FROM:<path> params…` (keyword case-insensitive, spaces after the colon tolerated, angle brackets
    /// optional for sloppy clients) into the path and the parameters; nil if malformed.
    static func splitPath(_ argument: String, keyword: String) -> (String, [Substring])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).drop(while: { $0 == " " })
        let path: Substring
        let tail: Substring
        if rest.first == "<" {
            guard let close = closingBracket(in: rest) else { return nil }
            path = rest[rest.index(after: rest.startIndex)..<close]
            tail = rest[rest.index(after: close)...]
            guard tail.isEmpty || tail.first == " " else { return nil }
        } else {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            path = rest[..<end]
            tail = rest[end...]
            guard !path.isEmpty else { return nil }
        }
        // A source route (`<@a,@b:user@host>`, RFC 5321 §4.1.2) is accepted and ignored.
        var address = path
        if address.first == "@", let colon = address.firstIndex(of: ":") {
            address = address[address.index(after: colon)...]
        }
        return (String(address), tail.split(separator: " "))
    }

    /// The `>` closing a bracketed path, skipping quoted local parts (`<"a>b"@x>`).
    private static func closingBracket(in text: Substring) -> Substring.Index? {
        var quoted = false
        var escaped = false
        for index in text.indices.dropFirst() {
            let character = text[index]
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ">" && !quoted {
                return index
            }
        }
        return nil
    }

    /// A refusal for an address the catcher will not take, or nil.
    private static func check(_ address: String, utf8: Bool, allowEmpty: Bool) -> MailCatcherReply? {
        if address.isEmpty {
            return allowEmpty ? nil : MailCatcherReply(501, "Syntax: an empty recipient is not allowed")
        }
        if address.utf8.count > 256 || address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return MailCatcherReply(501, "Syntax: address too long or with control characters")
        }
        if !utf8 && address.unicodeScalars.contains(where: { !$0.isASCII }) {
            return MailCatcherReply(553, "Non-ASCII address needs the SMTPUTF8 parameter")
        }
        return nil
    }
}

extension Character {
    /// An ASCII digit.
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

extension Array where Element == UInt8 {
    /// Whether the bytes are well-formed UTF-8.
    fileprivate var isValidUTF8: Bool {
        String(validating: self, as: UTF8.self) != nil
    }
}
