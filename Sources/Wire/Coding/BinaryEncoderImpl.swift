/// The `Encoder` handed to every value during one `BinaryEncoder.encode` call; also the single-value container.
///
/// One instance serves the whole value tree: each nested value gets a *slot* (the buffer offset where its
/// bytes start) and the containers it opens become *regions* on a stack. A region's length is patched in
/// when it closes: when its value's `encode(to:)` returns, or when an enclosing container is written again.
final class BinaryEncoderImpl: Encoder {
    struct Region {
        let headerOffset: Int
        let id: UInt32
        let isUnkeyed: Bool
        var count: UInt32
    }

    let out = BinaryOutputBuffer(capacity: 256)
    @exclusivity(unchecked) var regions: [Region] = []
    @exclusivity(unchecked) private var nextRegionID: UInt32 = 0
    @exclusivity(unchecked) var path: [any CodingKey] = []
    /// Where the current value's bytes start.
    @exclusivity(unchecked) var slotStart = 0
    /// `regions.count` when the current value started.
    @exclusivity(unchecked) var slotDepth = 0
    /// The region the current value opened with `container(keyedBy:)`/`unkeyedContainer()`, if any.
    @exclusivity(unchecked) private var slotRegionIndex = -1
    @exclusivity(unchecked) private var slotRegionID: UInt32 = 0
    @exclusivity(unchecked) private var depth = 0
    @exclusivity(unchecked) private var misuse: BinaryCodingError?
    private let maxDepth: Int
    private let userInfoStorage: [CodingUserInfoKey: Any]

    init(maxDepth: Int, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.maxDepth = maxDepth
        // An empty dictionary as a literal: upcasting costs a runtime call per encode.
        var info: [CodingUserInfoKey: Any] = [:]
        if !userInfo.isEmpty { info = userInfo }
        self.userInfoStorage = info
    }

    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { userInfoStorage }

    // MARK: Values

    /// Encodes one value at the current position (the key, if any, is already written).
    @inline(__always)
    func encodeValue<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        if try encodeFast(value, key: key) { return }
        try encodeGeneric(value, key: key)
    }

    private func encodeGeneric<T: Encodable>(_ value: T, key: (any CodingKey)?) throws {
        guard depth < maxDepth else {
            throw BinaryCodingError(.depthLimitExceeded, path + (key.map { [$0] } ?? []), "values are nested too deeply")
        }
        let saved = (slotStart, slotDepth, slotRegionIndex, slotRegionID)
        slotStart = out.count
        slotDepth = regions.count
        slotRegionIndex = -1
        depth += 1
        if let key { path.append(key) }
        defer {
            (slotStart, slotDepth, slotRegionIndex, slotRegionID) = saved
            depth -= 1
            if key != nil { path.removeLast() }
        }
        try value.encode(to: self)
        if let misuse { throw misuse }
        guard regions.count >= slotDepth else {
            throw BinaryCodingError(.containerMisuse, path, "a container of an enclosing value was written from inside a nested value")
        }
        while regions.count > slotDepth { try closeTopRegion() }
        if out.count == slotStart {
            // The value asked for no container and wrote nothing: it is an empty keyed container.
            out.append(BinaryWireType.keyed)
            out.appendLittleEndian(UInt32(0))
        }
    }

    /// Closes every open region; called once after the top-level value.
    func finish() throws {
        if let misuse { throw misuse }
        while !regions.isEmpty { try closeTopRegion() }
    }

    func recordMisuse(_ error: any Error) {
        if misuse == nil {
            misuse = (error as? BinaryCodingError)
                ?? BinaryCodingError(.containerMisuse, path, "container used out of order")
        }
    }

    // MARK: Regions

    func openRegion(unkeyed: Bool) -> (index: Int, id: UInt32) {
        let header = out.count
        out.append(unkeyed ? BinaryWireType.unkeyed : BinaryWireType.keyed)
        out.appendLittleEndian(UInt32(0))
        if unkeyed { out.appendLittleEndian(UInt32(0)) }
        nextRegionID &+= 1
        regions.append(Region(headerOffset: header, id: nextRegionID, isUnkeyed: unkeyed, count: 0))
        return (regions.count - 1, nextRegionID)
    }

    private func closeTopRegion() throws {
        let region = regions.removeLast()
        let bodyStart = region.headerOffset + (region.isUnkeyed ? BinaryWireType.unkeyedHeaderSize : BinaryWireType.keyedHeaderSize)
        guard let length = UInt32(exactly: out.count - bodyStart) else {
            throw BinaryCodingError(.invalidValue, path, "a container is larger than 4 GiB")
        }
        if region.isUnkeyed {
            out.patchUInt32(region.count, at: region.headerOffset + 1)
            out.patchUInt32(length, at: region.headerOffset + 5)
        } else {
            out.patchUInt32(length, at: region.headerOffset + 1)
        }
    }

    /// Makes the region `(index, id)` the innermost open one before it is written to, closing any nested
    /// containers opened after it; throws if it was already closed.
    @inline(__always)
    func enter(_ index: Int, _ id: UInt32) throws {
        if index == regions.count &- 1, regions[index].id == id { return }
        try enterSlow(index, id)
    }

    @inline(never)
    private func enterSlow(_ index: Int, _ id: UInt32) throws {
        guard index < regions.count, regions[index].id == id, index >= slotDepth else {
            throw BinaryCodingError(.containerMisuse, path, "a container was written after a later sibling; fill nested containers before continuing")
        }
        while regions.count - 1 > index { try closeTopRegion() }
    }

    func isOpen(_ index: Int, _ id: UInt32) -> Bool {
        index >= 0 && index < regions.count && regions[index].id == id
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let (index, id) = slotContainer(unkeyed: false)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(impl: self, index: index, id: id, codingPath: path))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let (index, id) = slotContainer(unkeyed: true)
        return BinaryUnkeyedEncodingContainer(impl: self, index: index, id: id, codingPath: path)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncodingContainer(impl: self, codingPath: path)
    }

    private func slotContainer(unkeyed: Bool) -> (Int, UInt32) {
        if isOpen(slotRegionIndex, slotRegionID), regions[slotRegionIndex].isUnkeyed == unkeyed {
            return (slotRegionIndex, slotRegionID)
        }
        if out.count != slotStart || regions.count != slotDepth {
            recordMisuse(BinaryCodingError(.containerMisuse, path, "a value asked for a second, different container"))
        }
        let region = openRegion(unkeyed: unkeyed)
        slotRegionIndex = region.index
        slotRegionID = region.id
        return region
    }

    /// Checks that the current value has not written anything yet (single-value containers hold one value).
    func beginSingleValue() throws {
        guard out.count == slotStart, regions.count == slotDepth else {
            throw BinaryCodingError(.containerMisuse, path, "a single-value container was written twice")
        }
    }
}
