import Contracts
import Foundation

/// Writes header fields: folded at 78 octets where a space allows it (never over 998), non-ASCII text as RFC 2047
/// encoded-words (`=?UTF-8?B?…?=`, each ≤ 75 characters, split only between characters), CRLF line ends.
///
/// The values must already be validated (no control characters): this type only formats.
struct MIMEHeaderWriter {
    /// The line length folding aims for (RFC 5322 §2.1.1).
    static let preferredLineLength = 78
    /// The longest encoded-word (RFC 2047 §2).
    static let maximumEncodedWordLength = 75
    /// The longest raw word of an unstructured value written as it is; longer ones force encoded-words, which
    /// can be split, so no line reaches 998 octets.
    static let maximumRawWordLength = 800

    /// The header block so far (each field ends with CRLF; the blank line that ends the block is not included).
    private(set) var bytes: [UInt8] = []

    /// Appends `name: value` where the value needs no encoding (ids, dates, parameters); folded at its spaces.
    mutating func append(_ name: String, raw value: String) {
        appendFolded(name, tokens: value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
    }

    /// Appends an unstructured field (Subject, extra headers): as it is when it is short-worded printable ASCII
    /// that cannot be mistaken for an encoded-word, else as encoded-words.
    mutating func appendUnstructured(_ name: String, _ value: String) {
        let words = value.split(separator: " ", omittingEmptySubsequences: false)
        if MIMECharacters.isASCII(value), !value.contains("=?"),
            words.allSatisfy({ $0.utf8.count <= Self.maximumRawWordLength })
        {
            appendFolded(name, tokens: words.map(String.init))
        } else {
            appendFolded(name, tokens: Self.encodedWords(value, firstMaximum: Self.firstWordBudget(name)))
        }
    }

    /// Appends an address list (`From`, `Reply-To`, `To`), comma-separated, folded between words.
    mutating func appendAddresses(_ name: String, _ addresses: [MailAddress]) {
        var tokens: [String] = []
        for (index, address) in addresses.enumerated() {
            if let displayName = address.displayName {
                tokens += Self.phraseTokens(displayName)
                tokens.append("<\(address.address)>")
            } else {
                tokens.append(address.address)
            }
            if index < addresses.count - 1 { tokens[tokens.count - 1] += "," }
        }
        appendFolded(name, tokens: tokens)
    }

    /// Writes `name:` and the tokens separated by single spaces, starting a new line (the space becoming the
    /// folding white space) before a token that would pass 78 octets, even the first one (`To:` alone on its
    /// line is valid). Empty tokens (runs of spaces) never start a line, so no line is white space only.
    private mutating func appendFolded(_ name: String, tokens: [String]) {
        var line = Array("\(name):".utf8)
        for token in tokens {
            let tokenBytes = Array(token.utf8)
            if !tokenBytes.isEmpty, line.count + 1 + tokenBytes.count > Self.preferredLineLength {
                bytes += line + [13, 10]
                line = []
            }
            line.append(UInt8(ascii: " "))
            line += tokenBytes
        }
        bytes += line + [13, 10]
    }

    /// How long the first encoded-word after `name: ` may be to keep the line within 78 octets.
    private static func firstWordBudget(_ name: String) -> Int {
        let budget = preferredLineLength - name.utf8.count - 2
        return budget >= 20 ? min(budget, maximumEncodedWordLength) : maximumEncodedWordLength
    }

    /// A display name as phrase tokens: atoms when it is plain ASCII words, a quoted string when it is ASCII
    /// with specials, encoded-words when it is not ASCII (or could be mistaken for an encoded-word). A name of
    /// up to 45 octets is one encoded-word (some parsers, Python's among them, keep the white space between
    /// encoded-words of a phrase although RFC 2047 §6.2 says to drop it); longer ones are split.
    static func phraseTokens(_ name: String) -> [String] {
        guard MIMECharacters.isASCII(name), !name.contains("=?") else {
            return encodedWords(name, firstMaximum: maximumEncodedWordLength)
        }
        let words = name.split(separator: " ")
        if words.joined(separator: " ") == name, words.allSatisfy({ $0.utf8.allSatisfy(MIMECharacters.isAtext) }) {
            return words.map(String.init)
        }
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("\"")
        return [quoted]
    }

    /// `text` as `=?UTF-8?B?…?=` words: the first at most `firstMaximum` characters, the others at most 75.
    /// Words split between characters (between Unicode scalars only for a character too long for one word), so
    /// every word decodes to valid UTF-8 on its own.
    static func encodedWords(_ text: String, firstMaximum: Int) -> [String] {
        func capacity(_ length: Int) -> Int { (length - 12) / 4 * 3 }   // 12 = "=?UTF-8?B?" + "?="
        var words: [String] = []
        var current: [UInt8] = []
        var limit = capacity(min(firstMaximum, maximumEncodedWordLength))
        func flush() {
            words.append("=?UTF-8?B?" + Data(current).base64EncodedString() + "?=")
            current = []
            limit = capacity(maximumEncodedWordLength)
        }
        let fullCapacity = capacity(maximumEncodedWordLength)
        for character in text {
            let unit = Array(character.utf8)
            if current.count + unit.count > limit, !current.isEmpty { flush() }
            if current.count + unit.count <= limit {
                current += unit
            } else if unit.count <= fullCapacity {
                limit = fullCapacity   // a first word too short for this character: the line may pass 78
                current += unit
            } else {
                for scalar in character.unicodeScalars {   // a character longer than a whole word
                    let scalarBytes = Array(String(scalar).utf8)
                    if current.count + scalarBytes.count > limit { flush() }
                    current += scalarBytes
                }
            }
        }
        if !current.isEmpty || words.isEmpty { flush() }
        return words
    }

    /// `date` in RFC 5322 form, in UTC: `Sat, 21 Nov 2026 10:00:00 +0000`.
    static func formatDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[(parts.weekday ?? 1) - 1]), \(parts.day ?? 1) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
