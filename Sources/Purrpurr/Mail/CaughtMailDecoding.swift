import Foundation

/// The decoders ``CaughtMail`` needs: transfer encodings (RFC 2045), charsets, RFC 2047 encoded-words and
/// RFC 5322 dates. All of them are forgiving: malformed input is kept as it is rather than refused.
enum CaughtMailDecoding {
    /// Quoted-printable: `=XX` escapes, soft line breaks (`=` at a line end) removed, trailing white space on
    /// each line dropped (RFC 2045 §6.7 (3)); a malformed `=` is kept. Line ends become CRLF.
    static func quotedPrintable(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let lines = Array(bytes).split(separator: 10, omittingEmptySubsequences: false)
        for (number, rawLine) in lines.enumerated() {
            var line = rawLine[...]
            while let last = line.last, last == 13 || last == 32 || last == 9 { line = line.dropLast() }
            var soft = false
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                if byte == UInt8(ascii: "=") {
                    if index + 1 == line.endIndex {
                        soft = true
                        break
                    }
                    if index + 2 < line.endIndex, let high = hexValue(line[index + 1]),
                        let low = hexValue(line[index + 2])
                    {
                        output.append(high << 4 | low)
                        index += 3
                        continue
                    }
                }
                output.append(byte)
                index += 1
            }
            if !soft && number < lines.count - 1 { output += [13, 10] }
        }
        return output
    }

    /// Base64, skipping line breaks and any other character outside the alphabet; missing padding is added.
    static func base64(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var clean = bytes.filter { byte in
            (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57)
                || byte == 43 || byte == 47
        }
        if clean.count % 4 == 1 { clean.removeLast() }
        while clean.count % 4 != 0 { clean.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(clean)).map { [UInt8]($0) } ?? []
    }

    /// `bytes` as text in `charset` (case-insensitive): UTF-8 and US-ASCII (invalid sequences replaced),
    /// Latin-1, Windows-1252 and UTF-16; anything else is read as UTF-8 when valid, else as Latin-1.
    static func string(_ bytes: [UInt8], charset: String?) -> String {
        let name = (charset ?? "utf-8").trimmingCharacters(in: .whitespaces).lowercased()
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
            return latin1(bytes)
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252) ?? latin1(bytes)
        case "utf-16", "utf-16be", "utf-16le":
            let encoding: String.Encoding = name == "utf-16le" ? .utf16LittleEndian
                : name == "utf-16be" ? .utf16BigEndian : .utf16
            return String(data: Data(bytes), encoding: encoding) ?? String(decoding: bytes, as: UTF8.self)
        default:
            return String(validating: bytes, as: UTF8.self) ?? latin1(bytes)
        }
    }

    /// Decodes RFC 2047 encoded-words (`=?UTF-8?Q?…?=`, `=?utf-8?B?…?=`) in a header value. White space
    /// between two encoded-words is dropped; adjacent words in the same charset are joined as bytes first, so
    /// a character split across words survives. Anything that is not a well-formed word stays as written.
    static func decodeEncodedWords(_ value: String) -> String {
        var result = ""
        var pending: (charset: String, bytes: [UInt8])?
        var whitespace = ""
        var rest = Substring(value)
        func flush() {
            if let word = pending { result += string(word.bytes, charset: word.charset) }
            pending = nil
        }
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let word = encodedWord(at: rest) {
                if let current = pending, current.charset == word.charset {
                    pending = (current.charset, current.bytes + word.bytes)
                } else {
                    flush()
                    pending = (word.charset, word.bytes)
                }
                whitespace = ""
                rest = word.rest
                continue
            }
            let character = rest.removeFirst()
            if (character == " " || character == "\t") && pending != nil {
                whitespace.append(character)
                continue
            }
            flush()
            result += whitespace
            whitespace = ""
            result.append(character)
        }
        flush()
        return result + whitespace
    }

    /// Parses one encoded-word at the start of `text`.
    private static func encodedWord(at text: Substring) -> (charset: String, bytes: [UInt8], rest: Substring)? {
        let afterStart = text.dropFirst(2)
        guard let charsetEnd = afterStart.firstIndex(of: "?") else { return nil }
        var charset = afterStart[..<charsetEnd].lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let afterCharset = afterStart[afterStart.index(after: charsetEnd)...]
        guard afterCharset.count >= 2, let mode = afterCharset.first?.uppercased(),
            afterCharset.dropFirst().first == "?"
        else { return nil }
        let encoded = afterCharset.dropFirst(2)
        guard let end = encoded.range(of: "?=") else { return nil }
        let payload = encoded[..<end.lowerBound]
        guard !charset.isEmpty, !payload.contains(" ") else { return nil }
        let bytes: [UInt8]
        switch mode {
        case "B":
            bytes = base64(Array(payload.utf8))
        case "Q":
            var decoded: [UInt8] = []
            let raw = Array(payload.utf8)
            var index = 0
            while index < raw.count {
                if raw[index] == UInt8(ascii: "_") {
                    decoded.append(32)
                } else if raw[index] == UInt8(ascii: "="), index + 2 < raw.count,
                    let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2])
                {
                    decoded.append(high << 4 | low)
                    index += 3
                    continue
                } else {
                    decoded.append(raw[index])
                }
                index += 1
            }
            bytes = decoded
        default:
            return nil
        }
        return (charset, bytes, encoded[end.upperBound...])
    }

    /// An RFC 5322 date (`Sat, 21 Nov 2026 10:00:00 +0000`, weekday and seconds optional, comments ignored).
    static func parseDate(_ text: String) -> Date? {
        var value = text
        if let comment = value.firstIndex(of: "(") { value = String(value[..<comment]) }
        value = value.trimmingCharacters(in: .whitespaces)
        if let comma = value.firstIndex(of: ",") { value = String(value[value.index(after: comma)...]) }
        value = value.split(separator: " ").joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        let formats = ["d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss"]
        for format in formats {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }

    private static func latin1(_ bytes: [UInt8]) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}
