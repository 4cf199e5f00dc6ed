/// Writes a keyed container's fields: varint name length, UTF-8 name, value. Nil fields are omitted.
struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let impl: BinaryEncoderImpl
    let index: Int
    let id: UInt32
    let codingPath: [any CodingKey]

    @inline(__always)
    private func begin(_ key: Key) throws {
        try impl.enter(index, id)
        impl.writeKey(key.stringValue)
    }

    /// Nil is the absence of the field.
    mutating func encodeNil(forKey key: Key) throws { try impl.enter(index, id) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); impl.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); impl.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); impl.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); impl.writeFloat(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); impl.writeSigned(Int64(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); impl.writeSigned(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); impl.writeUnsigned(UInt64(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); impl.writeUnsigned(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try impl.encodeValue(value, key: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        do { try begin(key) } catch { impl.recordMisuse(error) }
        let region = impl.openRegion(unkeyed: false)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(
            impl: impl, index: region.index, id: region.id, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        do { try begin(key) } catch { impl.recordMisuse(error) }
        let region = impl.openRegion(unkeyed: true)
        return BinaryUnkeyedEncodingContainer(impl: impl, index: region.index, id: region.id, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        superEncoder(named: BinarySuperKey())
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(named: key)
    }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        do {
            try impl.enter(index, id)
            impl.writeKey(key.stringValue)
        } catch {
            impl.recordMisuse(error)
        }
        return BinarySuperEncoder(impl: impl, parentIndex: index, parentID: id, codingPath: codingPath + [key])
    }
}
