/// Writes an unkeyed container's elements; nil is an explicit `null` element.
struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let impl: BinaryEncoderImpl
    let index: Int
    let id: UInt32
    let codingPath: [any CodingKey]

    var count: Int {
        impl.isOpen(index, id) ? Int(impl.regions[index].count) : 0
    }

    @inline(__always)
    private func begin() throws {
        try impl.enter(index, id)
        guard impl.regions[index].count < UInt32.max else {
            throw BinaryCodingError(.invalidValue, codingPath, "too many elements")
        }
        impl.regions[index].count &+= 1
    }

    mutating func encodeNil() throws { try begin(); impl.writeNil() }
    mutating func encode(_ value: Bool) throws { try begin(); impl.writeBool(value) }
    mutating func encode(_ value: String) throws { try begin(); impl.writeString(value) }
    mutating func encode(_ value: Double) throws { try begin(); impl.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try begin(); impl.writeFloat(value) }
    mutating func encode(_ value: Int) throws { try begin(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try begin(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try begin(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try begin(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try begin(); impl.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { try begin(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try begin(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try begin(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try begin(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try begin(); impl.writeUnsigned(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try impl.encodeValue(value, key: BinaryIndexKey(Int(impl.regions[index].count) - 1))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = BinaryIndexKey(count)
        do { try begin() } catch { impl.recordMisuse(error) }
        let region = impl.openRegion(unkeyed: false)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(
            impl: impl, index: region.index, id: region.id, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = BinaryIndexKey(count)
        do { try begin() } catch { impl.recordMisuse(error) }
        let region = impl.openRegion(unkeyed: true)
        return BinaryUnkeyedEncodingContainer(impl: impl, index: region.index, id: region.id, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let key = BinaryIndexKey(count)
        do { try begin() } catch { impl.recordMisuse(error) }
        return BinarySuperEncoder(impl: impl, parentIndex: index, parentID: id, codingPath: codingPath + [key])
    }
}

/// The single-value container of the value currently being encoded: it holds exactly one value.
struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let impl: BinaryEncoderImpl
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { try impl.beginSingleValue(); impl.writeNil() }
    mutating func encode(_ value: Bool) throws { try impl.beginSingleValue(); impl.writeBool(value) }
    mutating func encode(_ value: String) throws { try impl.beginSingleValue(); impl.writeString(value) }
    mutating func encode(_ value: Double) throws { try impl.beginSingleValue(); impl.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try impl.beginSingleValue(); impl.writeFloat(value) }
    mutating func encode(_ value: Int) throws { try impl.beginSingleValue(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8) throws { try impl.beginSingleValue(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16) throws { try impl.beginSingleValue(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32) throws { try impl.beginSingleValue(); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64) throws { try impl.beginSingleValue(); impl.writeSigned(value) }
    mutating func encode(_ value: UInt) throws { try impl.beginSingleValue(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { try impl.beginSingleValue(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { try impl.beginSingleValue(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { try impl.beginSingleValue(); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { try impl.beginSingleValue(); impl.writeUnsigned(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try impl.beginSingleValue()
        try impl.encodeValue(value, key: nil)
    }
}
