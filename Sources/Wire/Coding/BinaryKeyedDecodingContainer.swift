/// Marks `Optional` so that a missing field decoded with `decode(_:forKey:)` (not only `decodeIfPresent`) is nil.
fileprivate protocol BinaryAbsentAsNil {
    static var absentValue: Self { get }
}

extension Optional: BinaryAbsentAsNil {
    fileprivate static var absentValue: Optional<Wrapped> { nil }
}

/// Finds fields in a keyed container body. Nil fields are absent; unknown fields are skipped.
struct BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let impl: BinaryDecoderImpl
    let start: Int
    let end: Int
    let slot: Int
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var keys: [Key] = []
        var position = start
        while position < end {
            guard let field = try? impl.field(at: position, end: end) else { break }
            if let name = BinaryDecoderImpl.makeString(field.name), let key = Key(stringValue: name) { keys.append(key) }
            position = field.next
        }
        return keys
    }

    /// The offset of the value of the field named `name`, or nil if it is absent.
    @inline(__always)
    private func locate(named name: String) throws -> Int? {
        var name = name
        do {
            return try name.withUTF8 { utf8 throws(BinaryReadFailure) in
                try impl.findField(UnsafeRawBufferPointer(utf8), start: start, end: end, slot: slot)
            }
        } catch let failure as BinaryReadFailure {
            throw failure.at(codingPath)
        }
    }

    @inline(__always)
    private func locate(_ key: Key) throws -> Int? { try locate(named: key.stringValue) }

    @inline(__always)
    private func required(_ key: Key) throws -> Int {
        guard let offset = try locate(key) else { throw missing(key) }
        return offset
    }

    @inline(never)
    private func missing(_ key: Key) -> BinaryCodingError {
        BinaryCodingError(.keyNotFound, codingPath + [key], "required field is missing")
    }

    /// Reads the value of a required field, adding the path to a failure.
    @inline(__always)
    private func read<T>(_ key: Key, _ body: (Int) throws(BinaryReadFailure) -> T) throws -> T {
        let offset = try required(key)
        do { return try body(offset) } catch { throw error.at(codingPath, key) }
    }

    /// Reads the value of an optional field: nil if absent or an explicit nil.
    @inline(__always)
    private func readIfPresent<T>(_ key: Key, _ body: (Int) throws(BinaryReadFailure) -> T) throws -> T? {
        guard let offset = try locate(key), impl.byte(at: offset) != BinaryWireType.null else { return nil }
        do { return try body(offset) } catch { throw error.at(codingPath, key) }
    }

    func contains(_ key: Key) -> Bool { ((try? locate(key)) ?? nil) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let offset = try locate(key) else { return true }
        return impl.byte(at: offset) == BinaryWireType.null
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try read(key, impl.readBool) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try read(key, impl.readString) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try read(key, impl.readDouble) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try read(key, impl.readFloat) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int.self, at: o) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int8.self, at: o) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int16.self, at: o) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int32.self, at: o) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int64.self, at: o) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt.self, at: o) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt8.self, at: o) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt16.self, at: o) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt32.self, at: o) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try read(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt64.self, at: o) } }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let offset = try locate(key) else { return try absent(T.self, key) }
        return try impl.decodeValue(T.self, at: offset, codingPath, key: { key })
    }

    /// A missing field is nil for an `Optional` type and an error otherwise.
    @inline(never)
    private func absent<T>(_ type: T.Type, _ key: Key) throws -> T {
        if let optional = T.self as? any BinaryAbsentAsNil.Type, let value = optional.absentValue as? T { return value }
        throw missing(key)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try readIfPresent(key, impl.readBool) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try readIfPresent(key, impl.readString) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try readIfPresent(key, impl.readDouble) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try readIfPresent(key, impl.readFloat) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int.self, at: o) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int8.self, at: o) } }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int16.self, at: o) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int32.self, at: o) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(Int64.self, at: o) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt.self, at: o) } }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt8.self, at: o) } }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt16.self, at: o) } }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt32.self, at: o) } }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try readIfPresent(key) { [impl] o throws(BinaryReadFailure) in try impl.readInteger(UInt64.self, at: o) } }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let offset = try locate(key), impl.byte(at: offset) != BinaryWireType.null else { return nil }
        return try impl.decodeValue(T.self, at: offset, codingPath, key: { key })
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let body = try read(key, impl.keyedBody)
        impl.prepareCursor(slot: slot, start: body.start)
        return KeyedDecodingContainer(BinaryKeyedDecodingContainer<NestedKey>(
            impl: impl, start: body.start, end: body.end, slot: slot, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let body = try read(key, impl.unkeyedBody)
        return BinaryUnkeyedDecodingContainer(impl: impl, end: body.end, position: body.start, elementCount: body.elements, codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        guard let offset = try locate(named: "super") else {
            throw BinaryCodingError(.keyNotFound, codingPath + [BinarySuperKey()], "required field is missing")
        }
        return impl.makeDecoder(at: offset, codingPath: codingPath + [BinarySuperKey()])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        impl.makeDecoder(at: try required(key), codingPath: codingPath + [key])
    }
}
