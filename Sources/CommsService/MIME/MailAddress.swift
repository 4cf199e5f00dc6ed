/// An email address with an optional display name.
///
/// Parsing refuses CR, LF and every other control character anywhere (header injection) and anything that is not
/// a plausible addr-spec: `local@domain`, at most 254 octets, a local part of at most 64 octets made of dot-atoms
/// (quoted local parts are refused), and a domain with at least one dot or an IP literal (`[192.0.2.1]`,
/// `[IPv6:…]`). UTF-8 local parts and IDN domains are allowed and kept as given (the SMTP layer then needs
/// SMTPUTF8, see ``MailMessage/requiresSMTPUTF8``). Accepts `a@b.c`, `Name <a@b.c>` and `"Doe, Jane" <a@b.c>`.
///
/// ```swift
/// let from = try MailAddress(parsing: "Purrpurr <hello@purrpurr.dev>", field: "from")
/// from.normalizedAddress   // "hello@purrpurr.dev"
/// ```
struct MailAddress: Sendable, Hashable {
    /// The display name, without quotes; nil when there is none.
    var displayName: String?
    /// The addr-spec (`local@domain`) as given.
    var address: String

    /// The longest display name accepted, in UTF-8 octets (keeps every header line far below 998 octets).
    static let maximumDisplayNameOctets = 256

    /// An address from parts that are validated when the message renders (or with ``validate(field:)``).
    init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// Parses `text` (`a@b.c` or `Name <a@b.c>`); a failure names `field`.
    init(parsing text: String, field: String = "to") throws(MailValidationError) {
        if MIMECharacters.containsControl(text) {
            throw MailValidationError(
                field: field, message: "The address cannot contain line breaks or control characters.")
        }
        let trimmed = text.mimeTrimmingSpaces()
        var name: String? = nil
        var spec = trimmed
        if trimmed.hasSuffix(">") {
            guard let open = trimmed.lastIndex(of: "<") else {
                throw MailValidationError(field: field, message: "The address is not valid.")
            }
            spec = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            name = try Self.parseDisplayName(String(trimmed[..<open]), field: field)
        }
        self.init(displayName: name, address: spec.mimeTrimmingSpaces())
        try validate(field: field)
    }

    /// The suppression-list key: the address trimmed and lower-cased.
    var normalizedAddress: String { address.mimeTrimmingSpaces().lowercased() }

    /// The lower-cased domain after the last `@` (what the sender policy matches), nil without one.
    var domain: String? {
        let address = normalizedAddress
        return address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) }
    }

    /// Checks both parts (useful when the value was built member-wise); a failure names `field`.
    func validate(field: String) throws(MailValidationError) {
        if let displayName {
            if MIMECharacters.containsControl(displayName) {
                throw MailValidationError(
                    field: field, message: "The display name cannot contain line breaks or control characters.")
            }
            if displayName.utf8.count > Self.maximumDisplayNameOctets {
                throw MailValidationError(
                    field: field,
                    message: "The display name is longer than \(Self.maximumDisplayNameOctets) bytes.")
            }
        }
        if MIMECharacters.containsControl(address) {
            throw MailValidationError(
                field: field, message: "The address cannot contain line breaks or control characters.")
        }
        guard Self.isPlausibleAddrSpec(address) else {
            throw MailValidationError(field: field, message: "The address is not valid.")
        }
    }

    /// The display-name part before `<`: a quoted string (with `\"` and `\\` escapes) or a bare phrase.
    private static func parseDisplayName(_ raw: String, field: String) throws(MailValidationError) -> String? {
        let text = raw.mimeTrimmingSpaces()
        guard !text.isEmpty else { return nil }
        guard text.first == "\"" else {
            if text.contains("\"") || text.contains("<") || text.contains(">") {
                throw MailValidationError(field: field, message: "The display name is not valid.")
            }
            return text
        }
        var result = ""
        var escaped = false
        var closed = false
        for character in text.dropFirst() {
            if closed {
                throw MailValidationError(field: field, message: "The display name is not valid.")
            }
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                result.append(character)
            }
        }
        guard closed else { throw MailValidationError(field: field, message: "The display name is not valid.") }
        let name = result.mimeTrimmingSpaces()
        return name.isEmpty ? nil : name
    }

    /// Whether `spec` looks like `local@domain` (see the type's documentation).
    static func isPlausibleAddrSpec(_ spec: String) -> Bool {
        let bytes = Array(spec.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        return isPlausibleLocalPart(local) && isPlausibleDomain(domain)
    }

    private static func isPlausibleLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        guard !local.isEmpty, local.count <= 64 else { return false }
        return local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { $0 >= 0x80 || MIMECharacters.isAtext($0) }
        }
    }

    private static func isPlausibleDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        guard !domain.isEmpty, domain.count <= 253 else { return false }
        if domain.first == UInt8(ascii: "[") { return isPlausibleAddressLiteral(domain) }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"),
                label.last != UInt8(ascii: "-")
            else { return false }
            let ok = label.allSatisfy { byte in
                byte >= 0x80 || byte == UInt8(ascii: "-") || isASCIIAlphanumeric(byte)
            }
            guard ok else { return false }
        }
        // A top-level label of digits only is an unbracketed IP address, not a domain.
        return !labels.last!.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func isPlausibleAddressLiteral(_ domain: ArraySlice<UInt8>) -> Bool {
        guard domain.count >= 3, domain.last == UInt8(ascii: "]") else { return false }
        let inner = String(decoding: domain.dropFirst().dropLast(), as: UTF8.self)
        if inner.hasPrefix("IPv6:") {
            let hex = inner.dropFirst(5)
            return !hex.isEmpty && hex.count <= 45 && hex.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
                && hex.contains(":")
        }
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
        }
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0–9.
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}

extension String {
    /// The string without leading and trailing spaces (U+0020 only; other whitespace is refused elsewhere).
    func mimeTrimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars = scalars.dropFirst() }
        while scalars.last == " " { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
