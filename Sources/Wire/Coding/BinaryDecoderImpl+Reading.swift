import Foundation

/// Bounds-checked reads of tags, varints and scalar values, and skipping values without a schema.
/// Every reader checks against `count` (the end of the input), so none can read out of bounds.
extension BinaryDecoderImpl {
    @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    func uint32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func tag(at offset: Int) throws(BinaryReadFailure) -> UInt8 {
        guard offset >= 0, offset < count else { throw .truncated }
        return byte(at: offset)
    }

    /// Reads a LEB128 varint at `offset`, advancing it; never reads at or past `limit`.
    @inline(__always)
    func readVarint(_ offset: inout Int, limit: Int) throws(BinaryReadFailure) -> UInt64 {
        if offset < limit {
            let first = byte(at: offset)
            if first < 0x80 {
                offset &+= 1
                return UInt64(first)
            }
        }
        return try readVarintSlow(&offset, limit: limit)
    }

    @inline(never)
    private func readVarintSlow(_ offset: inout Int, limit: Int) throws(BinaryReadFailure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = offset
        while true {
            guard position < limit else { throw .truncated }
            let byte = byte(at: position)
            position += 1
            if shift == 63 && byte > 1 { throw BinaryReadFailure(.numberOutOfRange, "a varint is longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        offset = position
        return result
    }

    /// Returns the offset just past the value whose tag is at `offset`; the value must end at or before `limit`.
    /// Containers are skipped by their length, without looking inside, so skipping never recurses.
    func skipValue(at offset: Int, limit: Int) throws(BinaryReadFailure) -> Int {
        guard offset >= 0, offset < limit, limit <= count else { throw .truncated }
        var position = offset + 1
        switch byte(at: offset) {
        case BinaryWireType.null, BinaryWireType.falseValue, BinaryWireType.trueValue:
            return position
        case BinaryWireType.signed, BinaryWireType.unsigned:
            _ = try readVarint(&position, limit: limit)
            return position
        case BinaryWireType.float64:
            guard limit - position >= 8 else { throw .truncated }
            return position + 8
        case BinaryWireType.float32:
            guard limit - position >= 4 else { throw .truncated }
            return position + 4
        case BinaryWireType.string, BinaryWireType.bytes:
            let length = try readVarint(&position, limit: limit)
            guard length <= UInt64(limit - position) else { throw .lengthOutOfBounds }
            return position + Int(length)
        case BinaryWireType.keyed:
            guard limit - position >= 4 else { throw .truncated }
            let length = Int(uint32(at: position))
            position += 4
            guard length <= limit - position else { throw .lengthOutOfBounds }
            return position + length
        case BinaryWireType.unkeyed:
            guard limit - position >= 8 else { throw .truncated }
            let elements = Int(uint32(at: position))
            let length = Int(uint32(at: position + 4))
            position += 8
            guard length <= limit - position, elements <= length else { throw .lengthOutOfBounds }
            return position + length
        default:
            throw BinaryReadFailure(.unknownWireType, "unknown wire type")
        }
    }

    /// The failure for a value of the wrong wire type (or nil where a value is required).
    @inline(__always)
    func mismatch(_ tag: UInt8) -> BinaryReadFailure {
        tag == BinaryWireType.null ? .valueNotFound : .typeMismatch
    }

    func readBool(at offset: Int) throws(BinaryReadFailure) -> Bool {
        let tag = try tag(at: offset)
        if tag == BinaryWireType.trueValue { return true }
        if tag == BinaryWireType.falseValue { return false }
        throw mismatch(tag)
    }

    /// Reads an integer from either integer wire type, checking that it fits `I`.
    @inline(__always)
    func readInteger<I: FixedWidthInteger>(_ type: I.Type, at offset: Int) throws(BinaryReadFailure) -> I {
        let tag = try tag(at: offset)
        var position = offset &+ 1
        if tag == BinaryWireType.signed {
            let raw = try readVarint(&position, limit: count)
            let value = Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
            if let result = I(exactly: value) { return result }
        } else if tag == BinaryWireType.unsigned {
            let raw = try readVarint(&position, limit: count)
            if let result = I(exactly: raw) { return result }
        } else {
            throw mismatch(tag)
        }
        throw .numberOutOfRange
    }

    func readDouble(at offset: Int) throws(BinaryReadFailure) -> Double {
        let tag = try tag(at: offset)
        if tag == BinaryWireType.float64 {
            guard count - offset > 8 else { throw .truncated }
            return Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset + 1, as: UInt64.self)))
        }
        if tag == BinaryWireType.float32 {
            guard count - offset > 4 else { throw .truncated }
            return Double(Float(bitPattern: uint32(at: offset + 1)))
        }
        throw mismatch(tag)
    }

    func readFloat(at offset: Int) throws(BinaryReadFailure) -> Float {
        let tag = try tag(at: offset)
        if tag == BinaryWireType.float32 {
            guard count - offset > 4 else { throw .truncated }
            return Float(bitPattern: uint32(at: offset + 1))
        }
        return Float(try readDouble(at: offset))
    }

    /// The bytes of a string or bytes value whose tag is `expected`, bounds-checked.
    @inline(__always)
    func readSpan(at offset: Int, expected: UInt8) throws(BinaryReadFailure) -> UnsafeRawBufferPointer {
        let tag = try tag(at: offset)
        guard tag == expected else { throw mismatch(tag) }
        var position = offset &+ 1
        let length = try readVarint(&position, limit: count)
        guard length <= UInt64(count - position) else { throw .lengthOutOfBounds }
        return UnsafeRawBufferPointer(start: base + position, count: Int(length))
    }

    @inline(__always)
    func readString(at offset: Int) throws(BinaryReadFailure) -> String {
        let span = try readSpan(at: offset, expected: BinaryWireType.string)
        guard let string = Self.makeString(span) else { throw .invalidUTF8 }
        return string
    }

    /// Validates UTF-8 and builds a `String`; nil if invalid.
    ///
    /// ASCII (checked eight bytes at a time) needs no validation. Otherwise the bytes are decoded with
    /// repair and compared: repair replaces every ill-formed sequence, so the bytes come back unchanged
    /// exactly when they were valid. (The stdlib's `String(validating:as:)` is not specialized here and
    /// costs a generic metadata lookup per call.)
    @inline(__always)
    static func makeString(_ span: UnsafeRawBufferPointer) -> String? {
        if span.isEmpty { return "" }
        let utf8 = span.assumingMemoryBound(to: UInt8.self)
        let string = String(decoding: utf8, as: UTF8.self)
        if BinaryDecoderImpl.isASCII(span) { return string }
        var copy = string
        let unchanged = copy.withUTF8 { decoded in
            decoded.count == utf8.count && memcmp(decoded.baseAddress!, utf8.baseAddress!, utf8.count) == 0
        }
        return unchanged ? string : nil
    }

    @inline(__always)
    static func isASCII(_ span: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = span.count
        var accumulated: UInt64 = 0
        while index + 8 <= count {
            accumulated |= span.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        var tail: UInt8 = 0
        while index < count {
            tail |= span[index]
            index &+= 1
        }
        return accumulated & 0x8080_8080_8080_8080 == 0 && tail & 0x80 == 0
    }

    /// Count and body range of the unkeyed container at `offset`.
    func unkeyedBody(at offset: Int) throws(BinaryReadFailure) -> (elements: Int, start: Int, end: Int) {
        let tag = try tag(at: offset)
        guard tag == BinaryWireType.unkeyed else { throw mismatch(tag) }
        let end = try skipValue(at: offset, limit: count)
        return (Int(uint32(at: offset + 1)), offset + BinaryWireType.unkeyedHeaderSize, end)
    }

    /// Body range of the keyed container at `offset`.
    func keyedBody(at offset: Int) throws(BinaryReadFailure) -> (start: Int, end: Int) {
        let tag = try tag(at: offset)
        guard tag == BinaryWireType.keyed else { throw mismatch(tag) }
        let end = try skipValue(at: offset, limit: count)
        return (offset + BinaryWireType.keyedHeaderSize, end)
    }
}
