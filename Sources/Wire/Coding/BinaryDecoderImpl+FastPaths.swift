import Foundation

/// Decoding common Foundation and collection types directly, without `init(from:)` and its containers.
extension BinaryDecoderImpl {
    /// The fast path for `T` given the value at `offset`; `.none` if it must go through `init(from:)`.
    @inline(__always)
    func fastKind<T>(_ type: T.Type, at offset: Int) -> BinaryFastKind {
        let kind = BinaryFastKind(T.self)
        switch kind {
        case .bytes, .data:
            // `[UInt8]`/`Data` written element by element (not as bytes) take `init(from:)`.
            return offset < count && byte(at: offset) == BinaryWireType.bytes ? kind : .none
        default:
            return kind
        }
    }

    /// Decodes `T`, for which `kind` (from ``fastKind(_:at:)``) is not `.none`.
    /// Written without `T?` so that no `Optional<T>` metadata is instantiated per value.
    func decodeFast<T>(_ kind: BinaryFastKind, _ type: T.Type, at offset: Int) throws(BinaryReadFailure) -> T {
        switch kind {
        case .string: return binaryIdentityCast(try readString(at: offset), to: T.self)
        case .int: return binaryIdentityCast(try readInteger(Int.self, at: offset), to: T.self)
        case .date: return binaryIdentityCast(try readDate(at: offset), to: T.self)
        case .uuid:
            let span = try readSpan(at: offset, expected: BinaryWireType.bytes)
            guard span.count == 16 else { throw BinaryReadFailure(.dataCorrupted, "a UUID must be 16 bytes") }
            return binaryIdentityCast(UUID(uuid: span.loadUnaligned(as: uuid_t.self)), to: T.self)
        case .bool: return binaryIdentityCast(try readBool(at: offset), to: T.self)
        case .double: return binaryIdentityCast(try readDouble(at: offset), to: T.self)
        case .int64: return binaryIdentityCast(try readInteger(Int64.self, at: offset), to: T.self)
        case .bytes: return binaryIdentityCast(Array(try readSpan(at: offset, expected: BinaryWireType.bytes)), to: T.self)
        case .data: return binaryIdentityCast(Data(try readSpan(at: offset, expected: BinaryWireType.bytes)), to: T.self)
        case .stringArray:
            return binaryIdentityCast(try readArray(at: offset) { offset throws(BinaryReadFailure) in try readString(at: offset) }, to: T.self)
        case .intArray:
            return binaryIdentityCast(try readArray(at: offset) { offset throws(BinaryReadFailure) in try readInteger(Int.self, at: offset) }, to: T.self)
        case .int64Array:
            return binaryIdentityCast(try readArray(at: offset) { offset throws(BinaryReadFailure) in try readInteger(Int64.self, at: offset) }, to: T.self)
        case .doubleArray:
            return binaryIdentityCast(try readArray(at: offset) { offset throws(BinaryReadFailure) in try readDouble(at: offset) }, to: T.self)
        case .stringDictionary: return binaryIdentityCast(try readStringDictionary(at: offset), to: T.self)
        case .url:
            guard let url = URL(string: try readString(at: offset)) else {
                throw BinaryReadFailure(.dataCorrupted, "not a valid URL")
            }
            return binaryIdentityCast(url, to: T.self)
        case .int32: return binaryIdentityCast(try readInteger(Int32.self, at: offset), to: T.self)
        case .uint64: return binaryIdentityCast(try readInteger(UInt64.self, at: offset), to: T.self)
        case .uint32: return binaryIdentityCast(try readInteger(UInt32.self, at: offset), to: T.self)
        case .uint: return binaryIdentityCast(try readInteger(UInt.self, at: offset), to: T.self)
        case .float: return binaryIdentityCast(try readFloat(at: offset), to: T.self)
        case .none: preconditionFailure("decodeFast called without a fast kind")
        }
    }

    /// `Date`: a signed varint of microseconds since 1970-01-01T00:00:00Z.
    func readDate(at offset: Int) throws(BinaryReadFailure) -> Date {
        let micros = try readInteger(Int64.self, at: offset)
        let sinceReference = micros.subtractingReportingOverflow(BinaryWireType.unixToReferenceDateMicros)
        guard !sinceReference.overflow else { throw BinaryReadFailure(.numberOutOfRange, "date out of range") }
        return Date(timeIntervalSinceReferenceDate: Double(sinceReference.partialValue) / 1_000_000)
    }

    /// Reads an unkeyed container of scalars. The count was checked against the body length (every
    /// element takes at least one byte), so the reservation is bounded by the input size.
    @inline(__always)
    private func readArray<Element>(
        at offset: Int, _ read: (Int) throws(BinaryReadFailure) -> Element
    ) throws(BinaryReadFailure) -> [Element] {
        let (elements, start, end) = try unkeyedBody(at: offset)
        var result: [Element] = []
        result.reserveCapacity(elements)
        var position = start
        for index in 0..<elements {
            do {
                let next = try skipValue(at: position, limit: end)
                result.append(try read(position))
                position = next
            } catch {
                var failure = error
                failure.index = index
                throw failure
            }
        }
        guard position == end else { throw BinaryReadFailure(.lengthOutOfBounds, "a container does not end where its length says") }
        return result
    }

    private func readStringDictionary(at offset: Int) throws(BinaryReadFailure) -> [String: String] {
        let (start, end) = try keyedBody(at: offset)
        var result: [String: String] = [:]
        var position = start
        while position < end {
            let field = try field(at: position, end: end)
            guard let name = Self.makeString(field.name) else { throw .invalidUTF8 }
            result[name] = try readString(at: field.value)
            position = field.next
        }
        return result
    }
}
