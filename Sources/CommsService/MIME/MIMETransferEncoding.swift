import Foundation

/// A body part's `Content-Transfer-Encoding`, and the encoders.
///
/// The choice: `7bit` when every line is printable ASCII (tabs allowed), at most 78 octets and without trailing
/// white space; else `quoted-printable` when it is not larger than base64 (mostly-ASCII text: at most about
/// one byte in six needs escaping); else `base64`.
enum MIMETransferEncoding: String, Sendable {
    case sevenBit = "7bit"
    case quotedPrintable = "quoted-printable"
    case base64 = "base64"

    /// The longest encoded line for quoted-printable and base64 (RFC 2045).
    static let encodedLineLength = 76
    /// The longest line sent as `7bit`.
    static let sevenBitLineLength = 78

    /// The encoding for `bytes` (whose line ends are already CRLF).
    static func choose(for bytes: [UInt8]) -> MIMETransferEncoding {
        if isSevenBitSafe(bytes) { return .sevenBit }
        let escaped = bytes.reduce(0) { $0 + (needsEscape($1) ? 1 : 0) }
        let quotedPrintableSize = bytes.count + 2 * escaped
        let base64Size = (bytes.count + 2) / 3 * 4
        return quotedPrintableSize <= base64Size ? .quotedPrintable : .base64
    }

    /// `bytes` encoded (lines already CRLF).
    func encode(_ bytes: [UInt8]) -> [UInt8] {
        switch self {
        case .sevenBit: bytes
        case .quotedPrintable: Self.quotedPrintable(bytes)
        case .base64: Self.base64(bytes)
        }
    }

    /// Every CR LF, lone CR and lone LF becomes CR LF.
    static func normalizeLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 40)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 {
                result += [13, 10]
                if index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1 }
            } else if byte == 10 {
                result += [13, 10]
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }

    /// Whether every line is printable ASCII or tab, ≤ 78 octets, without trailing white space.
    static func isSevenBitSafe(_ bytes: [UInt8]) -> Bool {
        for line in lines(bytes) {
            guard line.count <= sevenBitLineLength, line.last != 0x20, line.last != 0x09,
                line.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 })
            else { return false }
        }
        return true
    }

    /// Whether quoted-printable writes `byte` as `=XX` wherever it is (white space is escaped only at line ends).
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 13 && byte != 10)
    }

    /// The lines of CRLF-separated `bytes` (without their CRLF).
    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10 {
                result.append(bytes[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        result.append(bytes[start...])
        return result
    }

    /// RFC 2045 §6.7 quoted-printable: hard line breaks stay CRLF, soft breaks (`=` CRLF) keep every line ≤ 76
    /// octets, `=XX` is never split, white space at a line end is escaped. A dot at a line start is left alone.
    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 8)
        let allLines = lines(bytes)
        for (lineIndex, line) in allLines.enumerated() {
            var column = 0
            for index in line.indices {
                let byte = line[index]
                let atLineEnd = index == line.index(before: line.endIndex)
                let token: [UInt8] =
                    if needsEscape(byte) || ((byte == 0x20 || byte == 0x09) && atLineEnd) {
                        [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                    } else {
                        [byte]
                    }
                // Room for the token plus a soft break's "=", unless this token ends the line.
                let room = atLineEnd ? encodedLineLength : encodedLineLength - 1
                if column + token.count > room {
                    result += [UInt8(ascii: "="), 13, 10]
                    column = 0
                }
                result += token
                column += token.count
            }
            if lineIndex < allLines.count - 1 { result += [13, 10] }
        }
        return result
    }

    /// Base64 in lines of 76 characters separated by CRLF (no CRLF after the last line).
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var result: [UInt8] = []
        result.reserveCapacity(encoded.count + encoded.count / 38)
        var start = 0
        while start < encoded.count {
            if start > 0 { result += [13, 10] }
            let end = min(start + encodedLineLength, encoded.count)
            result += encoded[start..<end]
            start = end
        }
        return result
    }
}
