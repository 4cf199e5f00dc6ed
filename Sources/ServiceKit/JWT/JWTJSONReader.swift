/// A strict, allocation-light reader of the flat JSON objects inside a JWT (header and claims).
///
/// Foundation's `JSONDecoder` is avoided on the Router's per-request verify path. The reader walks one top-level
/// object and hands each member to a callback as a ``Value``; nested arrays and objects are validated and
/// skipped (depth ≤ 16). It refuses: anything but an object at the top level, trailing bytes, duplicate member
/// names, invalid UTF-8, raw control characters in strings, lone surrogates, and numbers outside JSON's grammar.
struct JWTJSONReader {
    /// One member's value, as far as JWT processing needs it.
    enum Value {
        case string(String)
        /// An integer literal (no fraction, no exponent) that fits in `Int`.
        case integer(Int)
        case null
        /// `true` or `false`.
        case bool(Bool)
        /// Any other valid JSON value (other number, array, object).
        case other
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    private init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one JSON object, calling `member` for each member in order.
    static func readObject(
        _ bytes: [UInt8],
        _ member: (_ name: String, _ value: Value) throws(JWTError) -> Void
    ) throws(JWTError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JWTError) in try Self.readObject(raw, member) }
        }
        try result.get()
    }

    private static func readObject(
        _ raw: UnsafeRawBufferPointer,
        _ member: (_ name: String, _ value: Value) throws(JWTError) -> Void
    ) throws(JWTError) {
        var reader = JWTJSONReader(raw)
        var seen: Set<String> = []
        reader.skipWhitespace()
        try reader.expect(UInt8(ascii: "{"))
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipWhitespace()
                let name = try reader.readString()
                guard seen.insert(name).inserted else { throw .malformed }
                reader.skipWhitespace()
                try reader.expect(UInt8(ascii: ":"))
                reader.skipWhitespace()
                let value = try reader.readValue(depth: 1)
                try member(name, value)
                reader.skipWhitespace()
                if reader.peek() == UInt8(ascii: ",") {
                    reader.index += 1
                    continue
                }
                try reader.expect(UInt8(ascii: "}"))
                break
            }
        }
        reader.skipWhitespace()
        guard reader.index == raw.count else { throw .malformed }
    }

    private func peek() -> UInt8? {
        self.index < self.bytes.count ? self.bytes[self.index] : nil
    }

    private mutating func expect(_ byte: UInt8) throws(JWTError) {
        guard self.peek() == byte else { throw .malformed }
        self.index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = self.peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        {
            self.index += 1
        }
    }

    private mutating func readValue(depth: Int) throws(JWTError) -> Value {
        guard depth <= 16, let byte = self.peek() else { throw .malformed }
        switch byte {
        case UInt8(ascii: "\""): return .string(try self.readString())
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try self.skipContainer(depth: depth)
            return .other
        case UInt8(ascii: "t"): try self.readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.readLiteral("null"); return .null
        default: return try self.readNumber()
        }
    }

    private mutating func readLiteral(_ literal: StaticString) throws(JWTError) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw .malformed }
        for offset in 0..<count where self.bytes[self.index + offset] != literal.utf8Start[offset] {
            throw .malformed
        }
        self.index += count
    }

    private mutating func skipContainer(depth: Int) throws(JWTError) {
        let isObject = self.bytes[self.index] == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        self.index += 1
        self.skipWhitespace()
        if self.peek() == close {
            self.index += 1
            return
        }
        while true {
            self.skipWhitespace()
            if isObject {
                _ = try self.readString()
                self.skipWhitespace()
                try self.expect(UInt8(ascii: ":"))
                self.skipWhitespace()
            }
            _ = try self.readValue(depth: depth + 1)
            self.skipWhitespace()
            if self.peek() == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            try self.expect(close)
            return
        }
    }

    private mutating func readNumber() throws(JWTError) -> Value {
        let start = self.index
        var isInteger = true
        if self.peek() == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.peek(), Self.isDigit(first) else { throw .malformed }
        self.index += 1
        if first != UInt8(ascii: "0") {
            while let byte = self.peek(), Self.isDigit(byte) { self.index += 1 }
        }
        if self.peek() == UInt8(ascii: ".") {
            isInteger = false
            self.index += 1
            try self.readDigits()
        }
        if let byte = self.peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            isInteger = false
            self.index += 1
            if let sign = self.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { self.index += 1 }
            try self.readDigits()
        }
        guard isInteger else { return .other }
        let negative = self.bytes[start] == UInt8(ascii: "-")
        var value = 0
        for position in (negative ? start + 1 : start)..<self.index {
            let digit = Int(self.bytes[position] &- UInt8(ascii: "0"))
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return .other }
            value = sum
        }
        return .integer(value)
    }

    private mutating func readDigits() throws(JWTError) {
        guard let byte = self.peek(), Self.isDigit(byte) else { throw .malformed }
        while let byte = self.peek(), Self.isDigit(byte) { self.index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Reads a string literal; the fast path (no escapes) copies the bytes once after validating UTF-8.
    private mutating func readString() throws(JWTError) -> String {
        try self.expect(UInt8(ascii: "\""))
        let start = self.index
        while let byte = self.peek() {
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index])
                self.index += 1
                guard let string = String(validating: slice, as: UTF8.self) else { throw .malformed }
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw .malformed }
            self.index += 1
        }
        // Slow path: escapes.
        var utf8 = Array(self.bytes[start..<self.index])
        while let byte = self.peek() {
            self.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: utf8, as: UTF8.self) else { throw .malformed }
                return string
            case UInt8(ascii: "\\"):
                try self.readEscape(into: &utf8)
            case 0..<0x20:
                throw .malformed
            default:
                utf8.append(byte)
            }
        }
        throw .malformed
    }

    private mutating func readEscape(into utf8: inout [UInt8]) throws(JWTError) {
        guard let byte = self.peek() else { throw .malformed }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try self.readHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                try self.readLiteral("\\u")
                let low = try self.readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw .malformed }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw .malformed }
            utf8.append(contentsOf: UTF8.encode(unicode)!)
        default:
            throw .malformed
        }
    }

    private mutating func readHex4() throws(JWTError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw .malformed }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .malformed
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }
}
