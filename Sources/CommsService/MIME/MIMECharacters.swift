/// Character checks shared by the header validators: what counts as a control character (the header-injection
/// guard) and what may appear unquoted in an RFC 5322 atom.
enum MIMECharacters {
    /// Whether `scalar` is a control character: C0 (including TAB, CR, LF, NUL), DEL, C1 (including NEL U+0085),
    /// or the Unicode line and paragraph separators U+2028/U+2029.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Whether `text` holds any control character (see ``isControl(_:)``).
    static func containsControl(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// Whether `byte` is RFC 5322 `atext` (letters, digits and ``!#$%&'*+-/=?^_`{|}~``).
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// Whether every scalar of `text` is ASCII.
    static func isASCII(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 }
    }
}
