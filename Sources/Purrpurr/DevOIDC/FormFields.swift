import Wire

/// `application/x-www-form-urlencoded` pairs (a query string or a POST body): `+` is a space, escapes are
/// decoded, malformed pairs are dropped; the first value of a name wins.
enum FormFields {
    static func parse(_ text: Substring) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                HTTPRequest.percentDecoded(part.replacingOccurrences(of: "+", with: " "))
            }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else { continue }
            if fields[name] == nil { fields[name] = value }
        }
        return fields
    }
}
