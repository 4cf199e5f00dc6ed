/// Encodes `Encodable` values into Wire's compact, self-describing binary form (`docs/wire.md` §7).
///
///     let bytes = try BinaryEncoder().encode(order)
///     let copy = try BinaryDecoder().decode(Order.self, from: bytes)
///
/// Every value starts with a one-byte wire type so a reader can skip what it does not know; keyed
/// containers carry field names and omit nil fields, so adding an optional field never breaks an older
/// peer. `String`, `[UInt8]`, `Data`, `Date`, `UUID`, `URL` and arrays of common scalars take fast paths, and a
/// top-level ``BinarySelfCodable`` value writes itself (the same bytes, without the generic machinery).
///
/// Values are streamed into one buffer: a nested container (`nestedContainer`, `superEncoder`) must be
/// filled before its parent container is written to again. Using it afterwards throws
/// ``BinaryCodingError/Code/containerMisuse`` rather than producing corrupt bytes.
public struct BinaryEncoder: Sendable {
    /// The deepest nesting of values accepted (default 64, the decoder's default), which also stops
    /// runaway recursion on cyclic object graphs.
    public var maxDepth: Int
    /// Passed to the values' `encode(to:)` as `encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    public init(maxDepth: Int = 64, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.maxDepth = max(1, maxDepth)
        self.userInfo = userInfo
    }

    /// Encodes `value` as one top-level value.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let selfCoded = value as? any BinarySelfCodable {
            var bytes: [UInt8] = []
            if selfCoded.appendSelfCoded(to: &bytes) { return bytes }
        }
        return try run(value).makeArray()
    }

    /// Encodes `value` and appends its bytes to `bytes` (lets frame writers build a frame without a second buffer).
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        if let selfCoded = value as? any BinarySelfCodable, selfCoded.appendSelfCoded(to: &bytes) { return }
        try run(value).append(to: &bytes)
    }

    private func run<T: Encodable>(_ value: T) throws -> BinaryOutputBuffer {
        let impl = BinaryEncoderImpl(maxDepth: maxDepth, userInfo: userInfo)
        do {
            try impl.encodeValue(value, key: nil)
            try impl.finish()
        } catch {
            throw BinaryCodingError.bridging(error)
        }
        return impl.out
    }
}
