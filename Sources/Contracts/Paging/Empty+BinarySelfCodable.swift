import Wire

/// The empty body codes itself: an empty keyed container (`09 00 00 00 00`), as `Codable` writes it.
extension Empty: BinarySelfCodable {
    /// Writes an empty keyed container.
    public func writeWire(to writer: inout BinaryWireWriter) {
        writer.keyed { _ in }
    }

    /// Reads an empty keyed container, or nil (a field from a newer peer: the generic decoder skips it).
    public static func readWire(from reader: inout BinaryWireReader) -> Empty? {
        reader.keyed { _, _ in false } ? Empty() : nil
    }
}
