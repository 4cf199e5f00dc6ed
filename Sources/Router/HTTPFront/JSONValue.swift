import Foundation
import Wire

/// A JSON value with ordered object members, for response bodies and the OpenAPI document.
///
/// ```swift
/// let body: JSONValue = ["project_id": .string(id), "expires_at": .null]
/// body.serialized   // {"project_id":"…","expires_at":null}
/// ```
indirect enum JSONValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByArrayLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral
{
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, members in order.
    case object([(String, JSONValue)])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }

    /// A timestamp in RFC 3339 UTC with milliseconds, or null.
    static func date(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date))
    }

    /// A string or null.
    static func string(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    /// The member `name` of an object, or nil.
    subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    /// The compact JSON text.
    var serialized: String {
        String(decoding: serializedBytes, as: UTF8.self)
    }

    /// The compact JSON text as UTF-8 bytes (what a response body needs, without a `String` in between).
    var serializedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): fileprivateAppendDecimal(value, to: &out)
        case .double(let value): out.append(contentsOf: (value.isFinite ? "\(value)" : "null").utf8)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for index in values.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                values[index].write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for index in members.indices {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(members[index].0, to: &out)
                out.append(UInt8(ascii: ":"))
                members[index].1.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal, byte for byte what `HTTPResponse.jsonString` writes: quotes, backslashes and
    /// control characters escaped, everything else (including non-ASCII UTF-8) copied as it is.
    private static func writeString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
                case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
                case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
                default:
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(fileprivateHexDigits[Int(byte >> 4)])
                    out.append(fileprivateHexDigits[Int(byte & 0x0F)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized == rhs.serialized }
    func hash(into hasher: inout Hasher) { hasher.combine(serialized) }
}

/// Lowercase hexadecimal digits, as `String(_:radix: 16)` writes them.
fileprivate let fileprivateHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends the decimal digits of `value` (with `-` when negative), as `String(value)` writes them.
fileprivate func fileprivateAppendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 20 digits without a heap buffer
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
        repeat {
            buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            count += 1
        } while magnitude > 0
        for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
    }
}

extension HTTPResponse {
    /// A JSON response (`Content-Type: application/json; charset=utf-8`) whose body is `json`'s compact bytes.
    static func jsonBody(_ json: JSONValue, status: Status = .ok) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: json.serializedBytes)
    }
}
