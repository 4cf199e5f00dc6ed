import Foundation

/// A piece of a template part: literal text or a `{{name}}` placeholder. Parsing and filling live here so
/// ``EmailTemplate`` stays a plain value.
enum EmailTemplateSegment: Sendable, Hashable {
    /// Text copied as it is.
    case literal(String)
    /// A placeholder, by its (trimmed) name.
    case variable(String)

    /// The segments of `part`; a malformed placeholder throws naming `field`.
    static func parse(_ part: String, field: String) throws(MailValidationError) -> [EmailTemplateSegment] {
        var segments: [EmailTemplateSegment] = []
        var rest = Substring(part)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                throw MailValidationError(field: field, message: "A {{ placeholder is not closed with }}.")
            }
            let name = String(afterOpen[..<close.lowerBound]).mimeTrimmingSpaces()
            guard isValidName(name) else {
                throw MailValidationError(
                    field: field,
                    message: "A placeholder name must be letters, digits, '_', '.' or '-' between {{ and }}.")
            }
            segments.append(.variable(name))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return segments
    }

    /// The longest placeholder name accepted.
    static let maximumNameLength = 100

    /// Whether `name` is `[A-Za-z0-9_.-]{1,100}`.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumNameLength else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// The segments with every placeholder replaced by its value (which must be present in `data`).
    static func fill(_ segments: [EmailTemplateSegment], _ data: [String: String], escapingHTML: Bool) -> String {
        var result = ""
        for segment in segments {
            switch segment {
            case .literal(let text):
                result += text
            case .variable(let name):
                let value = data[name] ?? ""
                result += escapingHTML ? escapeHTML(value) : value
            }
        }
        return result
    }

    /// `value` with `& < > " '` replaced by character references.
    static func escapeHTML(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
