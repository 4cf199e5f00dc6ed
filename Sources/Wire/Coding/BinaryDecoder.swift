/// Decodes values from Wire's binary encoding (`docs/wire.md` §7).
///
///     let order = try BinaryDecoder().decode(Order.self, from: frameBody)
///
/// Unknown fields are skipped, a missing optional field decodes as nil, a missing required field throws
/// ``BinaryCodingError`` with code `keyNotFound` and the key path. Input is treated as hostile: every read
/// is bounds-checked, every length and count is checked against the bytes that remain before anything is
/// allocated for it, strings must be valid UTF-8, and nesting is limited by ``maxDepth``. A top-level
/// ``BinarySelfCodable`` type reads itself first and falls back to the generic path on anything unusual.
public struct BinaryDecoder: Sendable {
    /// The deepest nesting of values accepted (default 64); deeper input throws `depthLimitExceeded`.
    public var maxDepth: Int
    /// Passed to the values' `init(from:)` as `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    public init(maxDepth: Int = 64, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.maxDepth = max(1, min(maxDepth, 10_000))
        self.userInfo = userInfo
    }

    /// Decodes one top-level value that must fill `bytes` exactly.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw BinaryCodingError(.truncated, [], "the input is empty")
        }
        if let selfCoded = T.self as? any BinarySelfCodable.Type, let value = Self.readSelfCoded(selfCoded, bytes, as: T.self) {
            return value
        }
        // An empty dictionary is passed as a literal: upcasting `userInfo` costs a runtime call per decode.
        var info: [CodingUserInfoKey: Any] = [:]
        if !userInfo.isEmpty { info = userInfo }
        let impl = BinaryDecoderImpl(base: base, count: bytes.count, maxDepth: maxDepth, userInfo: info)
        do {
            let end: Int
            do { end = try impl.skipValue(at: 0, limit: bytes.count) } catch { throw error.at([]) }
            guard end == bytes.count else {
                throw BinaryCodingError(.trailingBytes, [], "bytes remain after the top-level value")
            }
            return try impl.decodeValue(T.self, at: 0, [], key: { nil })
        } catch {
            throw BinaryCodingError.bridging(error)
        }
    }

    /// A ``BinarySelfCodable`` type's own read of `bytes` (`Coded` is `T`), or nil to decode generically.
    @inline(__always)
    private static func readSelfCoded<Coded: BinarySelfCodable, T>(
        _ type: Coded.Type, _ bytes: UnsafeRawBufferPointer, as: T.Type
    ) -> T? {
        Coded.readSelfCoded(bytes).map { binaryIdentityCast($0, to: T.self) }
    }

    /// Decodes one top-level value that must fill `bytes` exactly (`[UInt8]`, `ArraySlice<UInt8>`, `Data`, …).
    public func decode<T: Decodable, Bytes: Collection<UInt8>>(_ type: T.Type, from bytes: Bytes) throws -> T {
        if let result = try bytes.withContiguousStorageIfAvailable({ try decode(type, from: UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return try Array(bytes).withUnsafeBytes { try decode(type, from: $0) }
    }
}
