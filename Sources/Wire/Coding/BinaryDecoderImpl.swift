/// The `Decoder` handed to every value during one `BinaryDecoder.decode` call; also the single-value container.
///
/// One instance serves the whole tree: `offset` is the tag of the value being decoded, saved and restored
/// around each nested value. Keyed containers keep a lookup cursor per nesting level here (their methods
/// are non-mutating), so fields that arrive in declaration order are found without scanning.
final class BinaryDecoderImpl: Decoder, SingleValueDecodingContainer {
    let base: UnsafeRawPointer
    let count: Int
    @exclusivity(unchecked) var offset = 0
    @exclusivity(unchecked) var path: [any CodingKey] = []
    @exclusivity(unchecked) var depth = 0
    /// Per nesting level: the body start of the keyed container using the cursor, and the cursor.
    @exclusivity(unchecked) private(set) var cursors: UnsafeMutablePointer<(start: Int, position: Int)>
    @exclusivity(unchecked) private(set) var cursorCapacity = 16
    let maxDepth: Int
    let userInfoStorage: [CodingUserInfoKey: Any]

    init(base: UnsafeRawPointer, count: Int, maxDepth: Int, userInfo: [CodingUserInfoKey: Any]) {
        self.base = base
        self.count = count
        self.maxDepth = maxDepth
        self.userInfoStorage = userInfo
        self.cursors = .allocate(capacity: cursorCapacity)
        self.cursors.initialize(repeating: (-1, 0), count: cursorCapacity)
    }

    deinit { cursors.deallocate() }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { userInfoStorage }

    /// Decodes the value whose tag is at `valueOffset` (already known to lie inside its container).
    /// `key` is only evaluated for the coding path of a nested value or an error.
    @inline(__always)
    func decodeValue<T: Decodable>(_ type: T.Type, at valueOffset: Int, _ codingPath: [any CodingKey], key: () -> (any CodingKey)?) throws -> T {
        let kind = fastKind(T.self, at: valueOffset)
        if case .none = kind { return try decodeGeneric(type, at: valueOffset, key: key()) }
        do { return try decodeFast(kind, type, at: valueOffset) } catch { throw error.at(codingPath, key()) }
    }

    /// Decodes `T` with its `init(from:)`, with this decoder positioned at `valueOffset`.
    func decodeGeneric<T: Decodable>(_ type: T.Type, at valueOffset: Int, key: (any CodingKey)?) throws -> T {
        guard depth < maxDepth else {
            throw BinaryReadFailure(.depthLimitExceeded, "values are nested too deeply").at(path, key)
        }
        let savedOffset = offset
        offset = valueOffset
        depth += 1
        if let key { path.append(key) }
        defer {
            offset = savedOffset
            depth -= 1
            if key != nil { path.removeLast() }
        }
        return try T(from: self)
    }

    /// Resets the lookup cursor of nesting level `slot` to a new keyed container starting at `start`.
    @inline(__always)
    func prepareCursor(slot: Int, start: Int) {
        if slot >= cursorCapacity { growCursors(to: slot + 1) }
        cursors[slot] = (start, start)
    }

    @inline(never)
    private func growCursors(to minimum: Int) {
        var capacity = cursorCapacity
        while capacity < minimum { capacity *= 2 }
        let grown = UnsafeMutablePointer<(start: Int, position: Int)>.allocate(capacity: capacity)
        grown.initialize(repeating: (-1, 0), count: capacity)
        grown.update(from: cursors, count: cursorCapacity)
        cursors.deallocate()
        cursors = grown
        cursorCapacity = capacity
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let body: (start: Int, end: Int)
        do { body = try keyedBody(at: offset) } catch { throw error.at(path) }
        prepareCursor(slot: depth, start: body.start)
        return KeyedDecodingContainer(BinaryKeyedDecodingContainer<Key>(impl: self, start: body.start, end: body.end, slot: depth, codingPath: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let body: (elements: Int, start: Int, end: Int)
        do { body = try unkeyedBody(at: offset) } catch { throw error.at(path) }
        return BinaryUnkeyedDecodingContainer(impl: self, end: body.end, position: body.start, elementCount: body.elements, codingPath: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// A decoder of its own for `superDecoder()`: it may outlive the current value's turn.
    func makeDecoder(at valueOffset: Int, codingPath: [any CodingKey]) -> BinaryDecoderImpl {
        let decoder = BinaryDecoderImpl(base: base, count: count, maxDepth: maxDepth, userInfo: userInfoStorage)
        decoder.offset = valueOffset
        decoder.path = codingPath
        decoder.depth = depth + 1
        return decoder
    }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool { offset < count && byte(at: offset) == BinaryWireType.null }
    /// Runs a low-level read of the current value, adding the coding path to a failure.
    @inline(__always)
    private func single<T>(_ read: (Int) throws(BinaryReadFailure) -> T) throws -> T {
        do { return try read(offset) } catch { throw error.at(path) }
    }

    func decode(_ type: Bool.Type) throws -> Bool { try single(readBool) }
    func decode(_ type: String.Type) throws -> String { try single(readString) }
    func decode(_ type: Double.Type) throws -> Double { try single(readDouble) }
    func decode(_ type: Float.Type) throws -> Float { try single(readFloat) }
    func decode(_ type: Int.Type) throws -> Int { try single { offset throws(BinaryReadFailure) in try readInteger(Int.self, at: offset) } }
    func decode(_ type: Int8.Type) throws -> Int8 { try single { offset throws(BinaryReadFailure) in try readInteger(Int8.self, at: offset) } }
    func decode(_ type: Int16.Type) throws -> Int16 { try single { offset throws(BinaryReadFailure) in try readInteger(Int16.self, at: offset) } }
    func decode(_ type: Int32.Type) throws -> Int32 { try single { offset throws(BinaryReadFailure) in try readInteger(Int32.self, at: offset) } }
    func decode(_ type: Int64.Type) throws -> Int64 { try single { offset throws(BinaryReadFailure) in try readInteger(Int64.self, at: offset) } }
    func decode(_ type: UInt.Type) throws -> UInt { try single { offset throws(BinaryReadFailure) in try readInteger(UInt.self, at: offset) } }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try single { offset throws(BinaryReadFailure) in try readInteger(UInt8.self, at: offset) } }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try single { offset throws(BinaryReadFailure) in try readInteger(UInt16.self, at: offset) } }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try single { offset throws(BinaryReadFailure) in try readInteger(UInt32.self, at: offset) } }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try single { offset throws(BinaryReadFailure) in try readInteger(UInt64.self, at: offset) } }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self, at: offset, path, key: { nil }) }
}
