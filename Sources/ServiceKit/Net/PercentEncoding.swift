import Foundation
import Wire

/// RFC 3986 percent-encoding of everything but the unreserved characters (`A–Z a–z 0–9 - . _ ~`): query values
/// and `application/x-www-form-urlencoded` bodies the platform writes (OAuth requests and redirects).
public enum PercentEncoding {
    /// Whether `byte` is an unreserved character.
    public static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
             UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// `text` with every other byte of its UTF-8 written `%XX`.
    public static func encode(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var out = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%"
                out.unicodeScalars.append(digits[Int(byte >> 4)])
                out.unicodeScalars.append(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// The pairs of an `application/x-www-form-urlencoded` text (a query string or a POST body): `+` is a space,
    /// escapes are decoded, malformed pairs are dropped, the first value of a name wins.
    public static func formFields(_ text: Substring) -> [String: String] {
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
