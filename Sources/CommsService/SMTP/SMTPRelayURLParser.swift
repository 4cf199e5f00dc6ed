/// Parses ``SMTPRelay`` URLs by hand (no Foundation `URL`: its errors and fallbacks could echo the password).
enum SMTPRelayURLParser {
    static func parse(_ text: String) throws(SMTPRelayError) -> SMTPRelay {
        let text = text.trimmingASCIIWhitespace()
        guard !text.isEmpty else { throw .empty }
        guard let schemeEnd = text.range(of: "://") else { throw .unsupportedScheme }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else { throw .unsupportedScheme }
        var rest = text[schemeEnd.upperBound...]

        // The userinfo ends at the last "@" (so an unencoded "@", "/" or "?" in a password still parses).
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user: Substring
            let secret: Substring?
            if let colon = userinfo.firstIndex(of: ":") {
                user = userinfo[..<colon]
                secret = userinfo[userinfo.index(after: colon)...]
            } else {
                user = userinfo
                secret = nil
            }
            guard let decodedUser = percentDecode(user) else { throw .invalidCredentials }
            if let secret {
                guard !decodedUser.isEmpty, let decoded = percentDecode(secret) else { throw .invalidCredentials }
                password = decoded
            }
            username = decodedUser.isEmpty ? nil : decodedUser
        }

        // host[:port][/][?query]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw .unexpectedPath }
            rest = rest[..<slash]
        }
        let (host, portText) = try splitHostPort(rest)
        guard !host.isEmpty else { throw .missingHost }
        guard isValidHost(host) else { throw .invalidHost }

        var security: SMTPRelay.Security?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = parts[0].lowercased()
            guard name == "tls" else { throw .unknownParameter }
            guard parts.count == 2, let value = SMTPRelay.Security(rawValue: parts[1].lowercased()) else {
                throw .invalidSecurity
            }
            security = value
        }

        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
                  let number = Int(portText), (1...65535).contains(number)
            else { throw .invalidPort }
            port = number
        }
        if scheme == "smtps" {
            guard security == nil || security == .implicit else { throw .conflictingSecurity }
            security = .implicit
        }
        let resolved = security ?? (port == 465 ? .implicit : .starttls)
        return SMTPRelay(
            host: host, port: port ?? (resolved == .implicit ? 465 : 587), security: resolved,
            username: username, password: password)
    }

    /// Splits `host:port` or `[v6]:port`; the port text is nil when absent.
    private static func splitHostPort(_ text: Substring) throws(SMTPRelayError) -> (String, Substring?) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidHost }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            guard !host.isEmpty, host.contains(":") else { throw .invalidHost }
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else { throw .invalidHost }
            return (host, after.dropFirst())
        }
        if let colon = text.firstIndex(of: ":") {
            return (String(text[..<colon]), text[text.index(after: colon)...])
        }
        return (String(text), nil)
    }

    /// A DNS name (letters, digits, `-`, `_`, `.`), an IPv4 address, or an IPv6 address (hex digits, `:`, `.`).
    private static func isValidHost(_ host: String) -> Bool {
        guard host.utf8.count <= 253 else { return false }
        if host.contains(":") {
            return host.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
        }
        guard !host.hasPrefix("."), !host.hasPrefix("-"), !host.contains("..") else { return false }
        return host.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "." || scalar == "_")
        }
    }

    /// Decodes `%XX` escapes as UTF-8; nil on a malformed escape or invalid UTF-8.
    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                result += "%"
                result.unicodeScalars.append(digits[Int(byte >> 4)])
                result.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Character {
    /// `0`–`9` only.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    fileprivate func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
