/// One SMTP reply: a three-digit code and its text lines (RFC 5321 §4.2), e.g. `250-smtp.example.com` /
/// `250 SIZE 10240000`.
struct SMTPReply: Sendable, Hashable {
    /// The reply code, 200–599.
    var code: Int
    /// The text of each line, without the code and separator (may be empty strings).
    var lines: [String]

    /// 2xx.
    var isPositive: Bool { (200..<300).contains(code) }
    /// 3xx (`334` AUTH challenge, `354` start mail input).
    var isIntermediate: Bool { (300..<400).contains(code) }
    /// 4xx: try again later.
    var isTransient: Bool { (400..<500).contains(code) }
    /// 5xx: do not retry.
    var isPermanent: Bool { (500..<600).contains(code) }

    /// The enhanced status code (RFC 3463) that starts the first line, e.g. `5.1.1`; nil if absent.
    var enhancedCode: String? {
        guard let first = lines.first?.split(separator: " ", maxSplits: 1).first else { return nil }
        let parts = first.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let klass = parts.first, ["2", "4", "5"].contains(klass),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return String(first)
    }

    /// The code and all lines on one line, e.g. `451 4.7.1 Try again later`: for outcome details and logs
    /// (it is the server's text; control characters are replaced by spaces).
    var text: String {
        let joined = lines.joined(separator: " ").unicodeScalars.map { scalar -> Character in
            scalar.value < 0x20 || scalar.value == 0x7F ? " " : Character(scalar)
        }
        let body = String(joined).trimmingCharacters(in: " ")
        return body.isEmpty ? String(code) : "\(code) \(body)"
    }
}

extension String {
    /// Without leading and trailing `character`s.
    fileprivate func trimmingCharacters(in character: Character) -> String {
        guard let first = firstIndex(where: { $0 != character }), let last = lastIndex(where: { $0 != character }) else {
            return ""
        }
        return String(self[first...last])
    }
}
