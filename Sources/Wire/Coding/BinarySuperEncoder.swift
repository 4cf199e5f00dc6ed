/// The encoder returned by `superEncoder()`: its field (key already written) holds an empty keyed
/// container until the encoder is used, which then replaces it with the real value.
final class BinarySuperEncoder: Encoder, SingleValueEncodingContainer {
    private let impl: BinaryEncoderImpl
    private let parentIndex: Int
    private let parentID: UInt32
    private let placeholder: Int
    private var regionIndex = -1
    private var regionID: UInt32 = 0
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { impl.userInfo }

    init(impl: BinaryEncoderImpl, parentIndex: Int, parentID: UInt32, codingPath: [any CodingKey]) {
        self.impl = impl
        self.parentIndex = parentIndex
        self.parentID = parentID
        self.codingPath = codingPath
        self.placeholder = impl.out.count
        impl.out.append(BinaryWireType.keyed)
        impl.out.appendLittleEndian(UInt32(0))
    }

    /// Removes the placeholder so the real value can take its place; it must still be the last thing written.
    private func claim() throws {
        try impl.enter(parentIndex, parentID)
        guard impl.out.count == placeholder + BinaryWireType.keyedHeaderSize else {
            throw BinaryCodingError(.containerMisuse, codingPath, "a super encoder was used after its parent container moved on")
        }
        impl.out.truncate(to: placeholder)
    }

    private func region(unkeyed: Bool) -> (Int, UInt32) {
        if impl.isOpen(regionIndex, regionID), impl.regions[regionIndex].isUnkeyed == unkeyed {
            return (regionIndex, regionID)
        }
        do { try claim() } catch { impl.recordMisuse(error) }
        let region = impl.openRegion(unkeyed: unkeyed)
        (regionIndex, regionID) = region
        return region
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (index, id) = region(unkeyed: false)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(impl: impl, index: index, id: id, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = region(unkeyed: true)
        return BinaryUnkeyedEncodingContainer(impl: impl, index: index, id: id, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws {
        try claim()
        impl.writeNil()
    }

    func encode<T: Encodable>(_ value: T) throws {
        try claim()
        try impl.encodeValue(value, key: nil)
    }

    func encode(_ value: Bool) throws { try claim(); impl.writeBool(value) }
    func encode(_ value: String) throws { try claim(); impl.writeString(value) }
    func encode(_ value: Double) throws { try claim(); impl.writeDouble(value) }
    func encode(_ value: Float) throws { try claim(); impl.writeFloat(value) }
    func encode(_ value: Int) throws { try claim(); impl.writeSigned(Int64(value)) }
    func encode(_ value: Int8) throws { try claim(); impl.writeSigned(Int64(value)) }
    func encode(_ value: Int16) throws { try claim(); impl.writeSigned(Int64(value)) }
    func encode(_ value: Int32) throws { try claim(); impl.writeSigned(Int64(value)) }
    func encode(_ value: Int64) throws { try claim(); impl.writeSigned(value) }
    func encode(_ value: UInt) throws { try claim(); impl.writeUnsigned(UInt64(value)) }
    func encode(_ value: UInt8) throws { try claim(); impl.writeUnsigned(UInt64(value)) }
    func encode(_ value: UInt16) throws { try claim(); impl.writeUnsigned(UInt64(value)) }
    func encode(_ value: UInt32) throws { try claim(); impl.writeUnsigned(UInt64(value)) }
    func encode(_ value: UInt64) throws { try claim(); impl.writeUnsigned(value) }
}
