/// Finds the `http://` and `https://` URLs in a message's text and HTML, so magic links are one copy away.
///
/// A URL runs to the first white space, quote, `<`, `>` or backtick; trailing sentence punctuation
/// (`.,;:!?`) and unbalanced closing brackets are not part of it. In HTML, character references in the URL
/// (`&amp;`, `&#38;`, `&#x26;`, …) are decoded, so the same link in the text and in an `href` is listed once.
enum CaughtMailLinks {
    /// The links of `text`, then of `html`, in order of appearance, without duplicates.
    static func links(text: String?, html: String?) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        let found = (text.map { scan($0) } ?? []) + (html.map { scan($0).map(decodeEntities) } ?? [])
        for link in found where seen.insert(link).inserted {
            result.append(link)
        }
        return result
    }

    /// The raw URLs in `source`.
    static func scan(_ source: String) -> [String] {
        let scalars = Array(source.unicodeScalars)
        var links: [String] = []
        var index = 0
        while index < scalars.count {
            guard let schemeLength = scheme(at: index, in: scalars) else {
                index += 1
                continue
            }
            var end = index + schemeLength
            while end < scalars.count && !isTerminator(scalars[end]) { end += 1 }
            var candidate = String(String.UnicodeScalarView(scalars[index..<end]))
            trimTrailingPunctuation(&candidate)
            if candidate.unicodeScalars.count > schemeLength { links.append(candidate) }
            index = end
        }
        return links
    }

    /// The length of `http://` or `https://` (any case) at `index`, or nil.
    private static func scheme(at index: Int, in scalars: [Unicode.Scalar]) -> Int? {
        for prefix in ["https://", "http://"] {
            let expected = Array(prefix.unicodeScalars)
            guard index + expected.count <= scalars.count else { continue }
            let matches = zip(scalars[index..<(index + expected.count)], expected).allSatisfy { actual, wanted in
                actual == wanted || (actual.value >= 65 && actual.value <= 90 && actual.value + 32 == wanted.value)
            }
            if matches { return expected.count }
        }
        return nil
    }

    private static func isTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value <= 0x20 || scalar.value == 0x7F || scalar.properties.isWhitespace
            || "\"'<>`".unicodeScalars.contains(scalar)
    }

    /// Drops sentence punctuation and closing brackets that have no opening one inside the URL.
    private static func trimTrailingPunctuation(_ link: inout String) {
        while let last = link.last {
            if ".,;:!?".contains(last) {
                link.removeLast()
            } else if let open = ["(": ")", "[": "]", "{": "}"].first(where: { $0.value == String(last) })?.key,
                link.filter({ String($0) == open }).count < link.filter({ $0 == last }).count
            {
                link.removeLast()
            } else {
                return
            }
        }
    }

    /// Decodes HTML character references: the five XML entities, `&nbsp;` and numeric ones.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            rest = rest[ampersand...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";") else {
                result.append("&")
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semicolon]
            if let decoded = entity(String(name)) {
                result += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result.append("&")
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }

    private static func entity(_ name: String) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{A0}"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        }
    }
}
