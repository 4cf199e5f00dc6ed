import Foundation

/// Writing scalar values, and the fast paths that skip `encode(to:)` for common Foundation and collection types.
extension BinaryEncoderImpl {
    @inline(__always)
    func writeKey(_ name: String) {
        var name = name
        name.withUTF8 { utf8 in
            out.appendVarint(UInt64(utf8.count))
            out.append(UnsafeRawBufferPointer(utf8))
        }
    }

    @inline(__always)
    func writeNil() { out.append(BinaryWireType.null) }

    @inline(__always)
    func writeBool(_ value: Bool) { out.append(value ? BinaryWireType.trueValue : BinaryWireType.falseValue) }

    @inline(__always)
    func writeSigned(_ value: Int64) {
        out.append(BinaryWireType.signed)
        out.appendVarint(UInt64(bitPattern: (value &<< 1) ^ (value &>> 63)))
    }

    @inline(__always)
    func writeUnsigned(_ value: UInt64) {
        out.append(BinaryWireType.unsigned)
        out.appendVarint(value)
    }

    @inline(__always)
    func writeDouble(_ value: Double) {
        out.append(BinaryWireType.float64)
        out.appendLittleEndian(value.bitPattern)
    }

    @inline(__always)
    func writeFloat(_ value: Float) {
        out.append(BinaryWireType.float32)
        out.appendLittleEndian(value.bitPattern)
    }

    @inline(__always)
    func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            out.append(BinaryWireType.string)
            out.appendVarint(UInt64(utf8.count))
            out.append(UnsafeRawBufferPointer(utf8))
        }
    }

    @inline(__always)
    func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        out.append(BinaryWireType.bytes)
        out.appendVarint(UInt64(bytes.count))
        out.append(bytes)
    }

    /// `Date` is a signed varint of microseconds since 1970-01-01T00:00:00Z, rounded to the nearest.
    func writeDate(_ date: Date, key: (any CodingKey)?) throws {
        let micros = (date.timeIntervalSinceReferenceDate * 1_000_000).rounded()
        guard micros.isFinite, let value = Int64(exactly: micros),
              case (let unix, false) = value.addingReportingOverflow(BinaryWireType.unixToReferenceDateMicros)
        else {
            throw BinaryCodingError(.invalidValue, path + (key.map { [$0] } ?? []), "date is not finite or out of range")
        }
        writeSigned(unix)
    }

    /// Header for an unkeyed container whose element count is known up front.
    @inline(__always)
    private func withKnownUnkeyed(count: Int, key: (any CodingKey)?, _ body: () -> Void) throws {
        guard let elements = UInt32(exactly: count) else {
            throw BinaryCodingError(.invalidValue, path + (key.map { [$0] } ?? []), "too many elements")
        }
        out.append(BinaryWireType.unkeyed)
        out.appendLittleEndian(elements)
        let lengthOffset = out.count
        out.appendLittleEndian(UInt32(0))
        body()
        guard let length = UInt32(exactly: out.count - lengthOffset - 4) else {
            throw BinaryCodingError(.invalidValue, path + (key.map { [$0] } ?? []), "a container is larger than 4 GiB")
        }
        out.patchUInt32(length, at: lengthOffset)
    }

    /// Encodes `value` directly when its type has a fast path; returns false otherwise.
    @inline(__always)
    func encodeFast<T: Encodable>(_ value: T, key: (any CodingKey)?) throws -> Bool {
        let kind = BinaryFastKind(T.self)
        if case .none = kind { return false }
        try encodeFast(kind, value, key: key)
        return true
    }

    private func encodeFast<T: Encodable>(_ kind: BinaryFastKind, _ value: T, key: (any CodingKey)?) throws {
        switch kind {
        case .none: break
        case .string: writeString(binaryIdentityCast(value, to: String.self))
        case .int: writeSigned(Int64(binaryIdentityCast(value, to: Int.self)))
        case .date: try writeDate(binaryIdentityCast(value, to: Date.self), key: key)
        case .uuid:
            var uuid = binaryIdentityCast(value, to: UUID.self).uuid
            withUnsafeBytes(of: &uuid) { writeBytes($0) }
        case .bool: writeBool(binaryIdentityCast(value, to: Bool.self))
        case .double: writeDouble(binaryIdentityCast(value, to: Double.self))
        case .int64: writeSigned(binaryIdentityCast(value, to: Int64.self))
        case .bytes: binaryIdentityCast(value, to: [UInt8].self).withUnsafeBytes { writeBytes($0) }
        case .data: binaryIdentityCast(value, to: Data.self).withUnsafeBytes { writeBytes($0) }
        case .stringArray:
            let array = binaryIdentityCast(value, to: [String].self)
            try withKnownUnkeyed(count: array.count, key: key) { for element in array { writeString(element) } }
        case .intArray:
            let array = binaryIdentityCast(value, to: [Int].self)
            try withKnownUnkeyed(count: array.count, key: key) { for element in array { writeSigned(Int64(element)) } }
        case .int64Array:
            let array = binaryIdentityCast(value, to: [Int64].self)
            try withKnownUnkeyed(count: array.count, key: key) { for element in array { writeSigned(element) } }
        case .doubleArray:
            let array = binaryIdentityCast(value, to: [Double].self)
            try withKnownUnkeyed(count: array.count, key: key) { for element in array { writeDouble(element) } }
        case .stringDictionary: try writeStringDictionary(binaryIdentityCast(value, to: [String: String].self), key: key)
        case .url: writeString(binaryIdentityCast(value, to: URL.self).absoluteString)
        case .int32: writeSigned(Int64(binaryIdentityCast(value, to: Int32.self)))
        case .uint64: writeUnsigned(binaryIdentityCast(value, to: UInt64.self))
        case .uint32: writeUnsigned(UInt64(binaryIdentityCast(value, to: UInt32.self)))
        case .uint: writeUnsigned(UInt64(binaryIdentityCast(value, to: UInt.self)))
        case .float: writeFloat(binaryIdentityCast(value, to: Float.self))
        }
    }

    private func writeStringDictionary(_ dictionary: [String: String], key: (any CodingKey)?) throws {
        let header = out.count
        out.append(BinaryWireType.keyed)
        out.appendLittleEndian(UInt32(0))
        for (name, element) in dictionary {
            writeKey(name)
            writeString(element)
        }
        guard let length = UInt32(exactly: out.count - header - BinaryWireType.keyedHeaderSize) else {
            throw BinaryCodingError(.invalidValue, path + (key.map { [$0] } ?? []), "a container is larger than 4 GiB")
        }
        out.patchUInt32(length, at: header + 1)
    }
}
