/// A body type that writes and reads its own binary encoding (`docs/wire.md` §7), skipping the generic
/// `Codable` machinery (encoder and decoder objects, containers, key boxes, metadata lookups per field) on
/// the hot path. ``BinaryEncoder`` and ``BinaryDecoder`` check for it first, for the **top-level** value only.
///
/// The bytes MUST be exactly what the generic coder writes for the type's `Codable` form (field names and
/// order of its `CodingKeys`, nil optionals absent): the wire format does not change, and a peer that
/// decodes generically reads the same value. Tests compare the two for every conforming type.
///
/// Reading is allowed to give up: ``readWire(from:)`` returns nil for anything but the plain shape Swift
/// peers write (an unknown field from a newer peer, another integer wire type, a duplicate, a missing field,
/// a malformation), and the decoder then decodes generically, which skips unknown fields and reports errors.
///
/// ```swift
/// extension Point: BinarySelfCodable {
///     func writeWire(to writer: inout BinaryWireWriter) {
///         writer.keyed { writer in
///             writer.key("x"); writer.int(self.x)
///             writer.key("y"); writer.int(self.y)
///         }
///     }
///     static func readWire(from reader: inout BinaryWireReader) -> Point? {
///         var x: Int?, y: Int?
///         let read = reader.keyed { reader, name in
///             if name.matches("x") { return reader.field(&x) { $0.int() } }
///             if name.matches("y") { return reader.field(&y) { $0.int() } }
///             return false
///         }
///         guard read, let x, let y else { return nil }
///         return Point(x: x, y: y)
///     }
/// }
/// ```
public protocol BinarySelfCodable: Codable {
    /// Appends the value's encoding (one value) to `writer`.
    func writeWire(to writer: inout BinaryWireWriter)

    /// Reads one value at the reader's position, or nil when it is not the plain shape (the generic decoder
    /// then takes over from the start).
    static func readWire(from reader: inout BinaryWireReader) -> Self?
}

extension BinarySelfCodable {
    /// Appends the value's encoding to `bytes`; false (and `bytes` unchanged) when the writer could not
    /// encode it (a date out of range, a container over 4 GiB) and the generic encoder must report why.
    @inline(__always)
    func appendSelfCoded(to bytes: inout [UInt8]) -> Bool {
        var writer = BinaryWireWriter()
        swap(&writer.buffer, &bytes)
        let start = writer.buffer.count
        self.writeWire(to: &writer)
        let failed = writer.failed
        if failed { writer.buffer.removeSubrange(start...) }
        swap(&writer.buffer, &bytes)
        return !failed
    }

    /// The value filling `bytes` exactly, or nil (generic decoding then).
    @inline(__always)
    static func readSelfCoded(_ bytes: UnsafeRawBufferPointer) -> Self? {
        var reader = BinaryWireReader(bytes)
        guard let value = readWire(from: &reader), reader.isAtEnd else { return nil }
        return value
    }
}
