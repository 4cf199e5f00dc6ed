import Foundation

/// Writes values in Wire's binary encoding (`docs/wire.md` §7) for ``BinarySelfCodable`` types: the same
/// bytes `BinaryEncoder` writes for the same shapes. A value it cannot represent (a date out of range, a
/// container over 4 GiB) sets ``failed``, and the caller falls back to the generic encoder for the error.
public struct BinaryWireWriter {
    /// The bytes so far (the frame being built; the value's bytes are appended).
    var buffer: [UInt8] = []
    /// A value could not be represented; the bytes are abandoned.
    public internal(set) var failed = false

    init() {}

    /// A keyed container (struct): `body` writes its fields, each a ``key(_:)`` then one value, in
    /// `CodingKeys` order, omitting nil optionals.
    @inline(__always)
    public mutating func keyed(_ body: (inout BinaryWireWriter) -> Void) {
        self.buffer.append(BinaryWireType.keyed)
        let lengthIndex = self.buffer.count
        self.buffer.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        body(&self)
        self.patchLength(from: lengthIndex + 4, at: lengthIndex)
    }

    /// An unkeyed container (array): `element` writes one value per element.
    @inline(__always)
    public mutating func array<C: Collection>(_ elements: C, _ element: (inout BinaryWireWriter, C.Element) -> Void) {
        guard let count = UInt32(exactly: elements.count) else {
            self.failed = true
            return
        }
        self.buffer.append(BinaryWireType.unkeyed)
        self.appendUInt32(count)
        let lengthIndex = self.buffer.count
        self.appendUInt32(0)
        for value in elements { element(&self, value) }
        self.patchLength(from: lengthIndex + 4, at: lengthIndex)
    }

    /// A field name inside ``keyed(_:)``.
    @inline(__always)
    public mutating func key(_ name: StaticString) {
        self.appendVarint(UInt64(name.utf8CodeUnitCount))
        self.buffer.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// `String`.
    @inline(__always)
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            self.buffer.append(BinaryWireType.string)
            self.appendVarint(UInt64(utf8.count))
            self.buffer.append(contentsOf: utf8)
        }
    }

    /// `[UInt8]`.
    @inline(__always)
    public mutating func bytes(_ value: [UInt8]) {
        self.buffer.append(BinaryWireType.bytes)
        self.appendVarint(UInt64(value.count))
        self.buffer.append(contentsOf: value)
    }

    /// `Int`, `Int64` and smaller signed integers.
    @inline(__always)
    public mutating func int(_ value: Int64) {
        self.buffer.append(BinaryWireType.signed)
        self.appendVarint(UInt64(bitPattern: (value &<< 1) ^ (value &>> 63)))
    }

    /// `Int`.
    @inline(__always)
    public mutating func int(_ value: Int) { self.int(Int64(value)) }

    /// `Bool`.
    @inline(__always)
    public mutating func bool(_ value: Bool) {
        self.buffer.append(value ? BinaryWireType.trueValue : BinaryWireType.falseValue)
    }

    /// `Date`: microseconds since 1970, rounded to the nearest (as `BinaryEncoder`); out of range fails.
    public mutating func date(_ value: Date) {
        let micros = (value.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        guard micros.isFinite, let since = Int64(exactly: micros),
              case (let unix, false) = since.addingReportingOverflow(BinaryWireType.unixToReferenceDateMicros)
        else {
            self.failed = true
            return
        }
        self.int(unix)
    }

    // MARK: pieces

    @inline(__always)
    private mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        self.buffer.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    private mutating func appendUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.buffer.append(contentsOf: $0) }
    }

    /// Writes the body length (bytes from `bodyStart` to the end) little-endian at `index`.
    @inline(__always)
    private mutating func patchLength(from bodyStart: Int, at index: Int) {
        guard let length = UInt32(exactly: self.buffer.count - bodyStart) else {
            self.failed = true
            return
        }
        self.buffer.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: length.littleEndian, toByteOffset: index, as: UInt32.self)
        }
    }
}
