import Foundation

/// Reads values in Wire's binary encoding (`docs/wire.md` §7) for ``BinarySelfCodable`` types. Every read is
/// bounds-checked against the innermost container; any surprise returns nil (or false) and the caller falls
/// back to `BinaryDecoder`, which reports it properly. Strings must be valid UTF-8.
public struct BinaryWireReader {
    private let raw: UnsafeRawBufferPointer
    private var offset = 0
    /// The end of the innermost container being read (or of the input).
    private var limit: Int

    init(_ raw: UnsafeRawBufferPointer) {
        self.raw = raw
        self.limit = raw.count
    }

    /// Whether every byte was read.
    var isAtEnd: Bool { self.offset == self.raw.count }

    /// A keyed container: `field` is called per field with its name and must read exactly one value and
    /// return true, or return false to give up (unknown or duplicate field, bad value). False if anything
    /// did not fit; the caller checks that every required field was seen.
    @inline(__always)
    public mutating func keyed(_ field: (inout BinaryWireReader, BinaryWireName) -> Bool) -> Bool {
        guard self.tag(BinaryWireType.keyed), let length = self.uint32(), length <= self.limit - self.offset else {
            return false
        }
        let outer = self.limit
        self.limit = self.offset + length
        while self.offset < self.limit {
            guard let nameLength = self.varint(), nameLength <= UInt64(self.limit - self.offset) else { return false }
            let name = BinaryWireName(raw: UnsafeRawBufferPointer(
                rebasing: self.raw[self.offset..<self.offset + Int(nameLength)]))
            self.offset += Int(nameLength)
            guard field(&self, name) else { return false }
        }
        guard self.offset == self.limit else { return false }
        self.limit = outer
        return true
    }

    /// An unkeyed container whose elements `element` reads one at a time.
    @inline(__always)
    public mutating func array<Element>(_ element: (inout BinaryWireReader) -> Element?) -> [Element]? {
        guard self.tag(BinaryWireType.unkeyed), let count = self.uint32(), let length = self.uint32(),
              length <= self.limit - self.offset, count <= length else { return nil }
        let outer = self.limit
        self.limit = self.offset + length
        var result: [Element] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            guard let value = element(&self) else { return nil }
            result.append(value)
        }
        guard self.offset == self.limit else { return nil }
        self.limit = outer
        return result
    }

    /// Reads one field's value into `slot` with `read`: false (give up) if the field was already read (a
    /// duplicate) or its value does not read.
    ///
    /// ```swift
    /// if name.matches("text") { return reader.field(&text) { $0.string() } }
    /// ```
    @inline(__always)
    public mutating func field<Value>(_ slot: inout Value?, _ read: (inout BinaryWireReader) -> Value?) -> Bool {
        guard slot == nil, let value = read(&self) else { return false }
        slot = value
        return true
    }

    /// An explicit nil: consumed and true if the next value is nil, else false and nothing read.
    @inline(__always)
    public mutating func null() -> Bool {
        self.tag(BinaryWireType.null)
    }

    /// `String` (wire type string only).
    @inline(__always)
    public mutating func string() -> String? {
        guard let span = self.span(BinaryWireType.string) else { return nil }
        return BinaryDecoderImpl.makeString(span)
    }

    /// `[UInt8]` (wire type bytes only).
    @inline(__always)
    public mutating func bytes() -> [UInt8]? {
        self.span(BinaryWireType.bytes).map { Array($0) }
    }

    /// `Int64`, written as sint or uint.
    @inline(__always)
    public mutating func int64() -> Int64? {
        guard self.offset < self.limit else { return nil }
        let tag = self.raw[self.offset]
        self.offset += 1
        guard let bits = self.varint() else { return nil }
        switch tag {
        case BinaryWireType.signed: return Int64(bitPattern: (bits >> 1) ^ (0 &- (bits & 1)))
        case BinaryWireType.unsigned: return Int64(exactly: bits)
        default: return nil
        }
    }

    /// `Int`, written as sint or uint.
    @inline(__always)
    public mutating func int() -> Int? {
        self.int64().flatMap { Int(exactly: $0) }
    }

    /// `Bool`.
    @inline(__always)
    public mutating func bool() -> Bool? {
        if self.tag(BinaryWireType.trueValue) { return true }
        if self.tag(BinaryWireType.falseValue) { return false }
        return nil
    }

    /// `Date`: microseconds since 1970 (as `BinaryDecoder` reads them).
    @inline(__always)
    public mutating func date() -> Date? {
        guard let micros = self.int64() else { return nil }
        let since = micros.subtractingReportingOverflow(BinaryWireType.unixToReferenceDateMicros)
        guard !since.overflow else { return nil }
        return Date(timeIntervalSinceReferenceDate: Double(since.partialValue) / 1_000_000)
    }

    // MARK: pieces

    @inline(__always)
    private mutating func tag(_ expected: UInt8) -> Bool {
        guard self.offset < self.limit, self.raw[self.offset] == expected else { return false }
        self.offset += 1
        return true
    }

    /// A length-prefixed value of wire type `expected`.
    @inline(__always)
    private mutating func span(_ expected: UInt8) -> UnsafeRawBufferPointer? {
        guard self.tag(expected), let length = self.varint(), length <= UInt64(self.limit - self.offset) else {
            return nil
        }
        let span = UnsafeRawBufferPointer(rebasing: self.raw[self.offset..<self.offset + Int(length)])
        self.offset += Int(length)
        return span
    }

    @inline(__always)
    private mutating func uint32() -> Int? {
        guard self.limit - self.offset >= 4 else { return nil }
        let value = self.raw.loadUnaligned(fromByteOffset: self.offset, as: UInt32.self)
        self.offset += 4
        return Int(UInt32(littleEndian: value))
    }

    @inline(__always)
    private mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while self.offset < self.limit, shift <= 63 {
            let byte = self.raw[self.offset]
            self.offset += 1
            if shift == 63 && byte > 1 { return nil }  // more than 64 bits: the decoder says why
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}

/// A field name in a keyed container being read by a ``BinarySelfCodable`` type.
public struct BinaryWireName {
    let raw: UnsafeRawBufferPointer

    /// Whether the name is exactly `name` (byte for byte).
    @inline(__always)
    public func matches(_ name: StaticString) -> Bool {
        guard self.raw.count == name.utf8CodeUnitCount else { return false }
        return self.raw.count == 0 || memcmp(self.raw.baseAddress!, name.utf8Start, self.raw.count) == 0
    }
}
