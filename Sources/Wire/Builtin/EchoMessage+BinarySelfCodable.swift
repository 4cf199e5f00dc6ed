/// The echo body codes itself (the benchmark's hot path): `{text: string, payload: bytes}`, as `Codable` writes it.
extension EchoMessage: BinarySelfCodable {
    /// Writes `text` then `payload`.
    public func writeWire(to writer: inout BinaryWireWriter) {
        writer.keyed { writer in
            writer.key("text")
            writer.string(self.text)
            writer.key("payload")
            writer.bytes(self.payload)
        }
    }

    /// Reads the two fields (in any order, each once), or nil.
    public static func readWire(from reader: inout BinaryWireReader) -> EchoMessage? {
        var text: String?
        var payload: [UInt8]?
        let read = reader.keyed { reader, name in
            if name.matches("text") { return reader.field(&text) { $0.string() } }
            if name.matches("payload") { return reader.field(&payload) { $0.bytes() } }
            return false
        }
        guard read, let text, let payload else { return nil }
        return EchoMessage(text: text, payload: payload)
    }
}
