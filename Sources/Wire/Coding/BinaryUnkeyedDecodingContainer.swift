/// Reads an unkeyed container's elements in order; `count` comes from the header.
struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let impl: BinaryDecoderImpl
    let end: Int
    var position: Int
    let elementCount: Int
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(impl: BinaryDecoderImpl, end: Int, position: Int, elementCount: Int, codingPath: [any CodingKey]) {
        self.impl = impl
        self.end = end
        self.position = position
        self.elementCount = elementCount
        self.codingPath = codingPath
    }

    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    /// The current element's offset and the offset after it; does not advance.
    @inline(__always)
    private func element() throws -> (offset: Int, next: Int) {
        guard currentIndex < elementCount else {
            throw BinaryCodingError(.valueNotFound, codingPath + [BinaryIndexKey(currentIndex)], "the unkeyed container is at its end")
        }
        do {
            return (position, try impl.skipValue(at: position, limit: end))
        } catch {
            throw error.at(codingPath, BinaryIndexKey(currentIndex))
        }
    }

    /// Reads the current element with a low-level reader and advances.
    @inline(__always)
    private mutating func read<T>(_ body: (Int) throws(BinaryReadFailure) -> T) throws -> T {
        let (offset, next) = try element()
        let value: T
        do { value = try body(offset) } catch { throw error.at(codingPath, BinaryIndexKey(currentIndex)) }
        position = next
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        let (offset, next) = try element()
        guard impl.byte(at: offset) == BinaryWireType.null else { return false }
        position = next
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try read(impl.readBool) }
    mutating func decode(_ type: String.Type) throws -> String { try read(impl.readString) }
    mutating func decode(_ type: Double.Type) throws -> Double { try read(impl.readDouble) }
    mutating func decode(_ type: Float.Type) throws -> Float { try read(impl.readFloat) }
    mutating func decode(_ type: Int.Type) throws -> Int { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int.self, at: o) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int8.self, at: o) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int16.self, at: o) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int32.self, at: o) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int64.self, at: o) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt.self, at: o) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt8.self, at: o) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt16.self, at: o) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt32.self, at: o) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try read { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt64.self, at: o) } }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (offset, next) = try element()
        let index = currentIndex
        let value = try impl.decodeValue(T.self, at: offset, codingPath, key: { BinaryIndexKey(index) })
        position = next
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let key = BinaryIndexKey(currentIndex)
        let body = try read(impl.keyedBody)
        let slot = impl.depth
        impl.prepareCursor(slot: slot, start: body.start)
        return KeyedDecodingContainer(BinaryKeyedDecodingContainer<NestedKey>(
            impl: impl, start: body.start, end: body.end, slot: slot, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let key = BinaryIndexKey(currentIndex)
        let body = try read(impl.unkeyedBody)
        return BinaryUnkeyedDecodingContainer(impl: impl, end: body.end, position: body.start, elementCount: body.elements,
                                              codingPath: codingPath + [key])
    }

    mutating func superDecoder() throws -> any Decoder {
        let key = BinaryIndexKey(currentIndex)
        let (offset, next) = try element()
        position = next
        currentIndex += 1
        return impl.makeDecoder(at: offset, codingPath: codingPath + [key])
    }
}
