/// Writes the small JSON objects of a JWT (header and claims) in a fixed member order, without Foundation.
struct JWTJSONWriter {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var isFirst = true

    init() {
        self.bytes.reserveCapacity(256)
    }

    /// Appends `"name":"value"` with JSON string escaping.
    mutating func member(_ name: StaticString, _ value: String) {
        self.name(name)
        self.appendString(value)
    }

    /// Appends `"name":value` for an integer.
    mutating func member(_ name: StaticString, _ value: Int) {
        self.name(name)
        self.bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends `"name":true` or `false`.
    mutating func member(_ name: StaticString, _ value: Bool) {
        self.name(name)
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Appends `"name":[{"method":…,"timestamp":…},…]`.
    mutating func member(_ name: StaticString, _ methods: [JWTAuthMethod]) {
        self.name(name)
        self.bytes.append(UInt8(ascii: "["))
        for (index, entry) in methods.enumerated() {
            if index > 0 { self.bytes.append(UInt8(ascii: ",")) }
            var object = JWTJSONWriter()
            object.member("method", entry.method)
            object.member("timestamp", entry.timestamp)
            self.bytes.append(contentsOf: object.finish())
        }
        self.bytes.append(UInt8(ascii: "]"))
    }

    /// Closes the object and returns its bytes.
    mutating func finish() -> [UInt8] {
        self.bytes.append(UInt8(ascii: "}"))
        return self.bytes
    }

    private mutating func name(_ name: StaticString) {
        if !self.isFirst { self.bytes.append(UInt8(ascii: ",")) }
        self.isFirst = false
        self.bytes.append(UInt8(ascii: "\""))
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        self.bytes.append(contentsOf: "\":".utf8)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private mutating func appendString(_ string: String) {
        self.bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0..<0x20:
                self.bytes.append(contentsOf: "\\u00".utf8)
                self.bytes.append(Self.hex[Int(byte >> 4)])
                self.bytes.append(Self.hex[Int(byte & 0x0F)])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
