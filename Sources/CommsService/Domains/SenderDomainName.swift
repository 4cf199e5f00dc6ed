import Contracts

/// Checks a sender domain's name (`POST /v1/comms/domains`): a real DNS host name, lower-cased, at most 253
/// octets, at least two labels of 1–63 letters, digits and inner hyphens, a top-level label that is not
/// all digits (so no IPv4 address; `:` and `[` already rule out IPv6), and neither one of the platform's
/// own domains nor a name under them. Internationalised names are given in their `xn--` form.
///
/// ```swift
/// try SenderDomainName.validate("Mail.Example.com.", platform: ["purrpurr.local"])   // "mail.example.com"
/// ```
enum SenderDomainName {
    /// The lower-cased name without a trailing dot, or `VALIDATION_FAILED` (field `name`).
    static func validate(_ text: String, platform: [String]) throws(PublicError) -> String {
        var name = text.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !name.isEmpty, name.utf8.count <= CreateDomainRequest.maxNameLength, labels.count >= 2,
              labels.allSatisfy(isLabel), !labels.last!.allSatisfy(\.isNumber)
        else {
            throw PublicError.validation(
                "name", "The name must be a domain name such as mail.example.com (at most 253 characters, no IP address).")
        }
        for own in platform.map({ $0.lowercased() }) where name == own || name.hasSuffix("." + own) {
            throw PublicError.validation("name", "The platform's own domain cannot be added as a sender domain.")
        }
        return name
    }

    private static func isLabel(_ label: Substring) -> Bool {
        (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
            && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
    }
}
