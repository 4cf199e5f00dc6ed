import Foundation

/// Formats ``LogRecord``s as JSON lines: `ts` (RFC 3339 UTC, milliseconds), `level`, `service`, `msg`,
/// `request_id` when the metadata has ``LogKey/requestID``, then the other fields sorted by key.
///
/// ```
/// {"ts":"2025-01-02T03:04:05.678Z","level":"info","service":"router","msg":"started","process.id":42}
/// ```
public enum JSONLogFormat {
    /// The UTF-8 bytes of one line for `record`, ending in `\n`.
    public static func line(for record: LogRecord, service: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: Array(#"{"ts":""#.utf8))
        appendTimestamp(record.timestamp, to: &out)
        out.append(contentsOf: Array(#"","level":"#.utf8))
        appendString(record.level.rawValue, to: &out)
        out.append(contentsOf: Array(#","service":"#.utf8))
        appendString(service, to: &out)
        out.append(contentsOf: Array(#","msg":"#.utf8))
        appendString(record.message, to: &out)
        if let requestID = record.metadata[.requestID] {
            out.append(contentsOf: Array(#","request_id":"#.utf8))
            appendValue(requestID, to: &out)
        }
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) where key != .requestID {
            out.append(UInt8(ascii: ","))
            appendString(key.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(value, to: &out)
        }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    /// Appends `value` as a JSON value.
    static func appendValue(_ value: LogValue, to out: inout [UInt8]) {
        switch value {
        case .string(let string):
            appendString(string, to: &out)
        case .int(let int):
            out.append(contentsOf: Array(String(int).utf8))
        case .double(let double):
            if double.isFinite {
                out.append(contentsOf: Array(String(double).utf8))
            } else {
                appendString(String(double), to: &out)
            }
        case .bool(let bool):
            out.append(contentsOf: Array((bool ? "true" : "false").utf8))
        case .redacted:
            appendString("***", to: &out)
        }
    }

    /// Appends `string` as a quoted JSON string: `"` and `\` escaped, control characters as `\n`, `\t`...
    /// or `\u00XX`, everything else (including non-ASCII) as its UTF-8 bytes.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20, 0x7F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0x0F))
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `date` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds truncated).
    static func appendTimestamp(_ date: Date, to out: inout [UInt8]) {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(totalMilliseconds.floorDivided(by: 1000))
        let milliseconds = Int(totalMilliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendDigits(Int(parts.tm_year) + 1900, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(milliseconds, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        var index = width - 1
        while index >= 0 {
            digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
        out.append(contentsOf: digits)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}

extension Int64 {
    /// Division rounding towards negative infinity (timestamps before 1970).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}
