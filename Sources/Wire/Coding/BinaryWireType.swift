/// The one-byte tags that start every value in Wire's binary Codable encoding (`docs/wire.md` §7).
///
/// The tag tells a reader how long the value is, so a reader can skip any value it does not know
/// (an unknown field) without a schema. The numbers never change; a new tag needs a new protocol version.
enum BinaryWireType {
    /// No payload. An explicit nil (unkeyed containers and single values; keyed containers omit nil fields).
    static let null: UInt8 = 0x00
    /// No payload.
    static let falseValue: UInt8 = 0x01
    /// No payload.
    static let trueValue: UInt8 = 0x02
    /// A zigzag LEB128 varint (signed integers, `Date`).
    static let signed: UInt8 = 0x03
    /// A LEB128 varint (unsigned integers).
    static let unsigned: UInt8 = 0x04
    /// 8 bytes, IEEE 754 binary64, little-endian.
    static let float64: UInt8 = 0x05
    /// 4 bytes, IEEE 754 binary32, little-endian.
    static let float32: UInt8 = 0x06
    /// A varint byte length, then that many bytes of UTF-8.
    static let string: UInt8 = 0x07
    /// A varint byte length, then that many raw bytes (`[UInt8]`, `Data`, `UUID`).
    static let bytes: UInt8 = 0x08
    /// A u32 little-endian body length, then fields: varint name length, UTF-8 name, value.
    static let keyed: UInt8 = 0x09
    /// A u32 little-endian element count, a u32 little-endian body length, then the elements.
    static let unkeyed: UInt8 = 0x0A

    /// Bytes before a keyed container's body: tag and length.
    static let keyedHeaderSize = 5
    /// Bytes before an unkeyed container's body: tag, count and length.
    static let unkeyedHeaderSize = 9

    /// Seconds from 1970-01-01T00:00:00Z to Foundation's reference date 2001-01-01T00:00:00Z.
    static let unixToReferenceDateMicros: Int64 = 978_307_200_000_000
}
