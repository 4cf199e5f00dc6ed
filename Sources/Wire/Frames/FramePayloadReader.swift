/// Bounds-checked big-endian reads from one frame's payload (a slice of the decoder's buffer).
struct FramePayloadReader {
    let bytes: ArraySlice<UInt8>
    let type: UInt8
    private(set) var index: Int

    init(_ bytes: ArraySlice<UInt8>, type: UInt8) {
        self.bytes = bytes
        self.type = type
        self.index = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - index }

    func malformed(_ message: String) -> FrameError {
        FrameError(.malformedPayload, frameType: type, message)
    }

    mutating func readInteger<I: FixedWidthInteger>(_ type: I.Type) throws(FrameError) -> I {
        let size = MemoryLayout<I>.size
        guard remaining >= size else { throw malformed("the payload is too short") }
        var value: I = 0
        for offset in 0..<size {
            value = value << 8 | I(bytes[index + offset])
        }
        index += size
        return value
    }

    mutating func readSlice(_ count: Int) throws(FrameError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw malformed("a length exceeds the payload") }
        defer { index += count }
        return bytes[index..<index + count]
    }

    /// A UTF-8 string of `count` bytes; invalid UTF-8 is a malformed payload.
    mutating func readString(_ count: Int) throws(FrameError) -> String {
        let slice = try readSlice(count)
        guard let string = slice.withContiguousStorageIfAvailable({ BinaryDecoderImpl.makeString(UnsafeRawBufferPointer($0)) }) ?? nil else {
            throw malformed("a string is not valid UTF-8")
        }
        return string
    }

    /// Everything that is left.
    mutating func readRest() -> ArraySlice<UInt8> {
        defer { index = bytes.endIndex }
        return bytes[index...]
    }

    /// Throws unless the payload was consumed exactly.
    func expectEnd() throws(FrameError) {
        guard remaining == 0 else {
            throw FrameError(.trailingBytes, frameType: type, "the payload has bytes after its last field")
        }
    }
}
