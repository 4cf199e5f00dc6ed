import Foundation

/// One column value of one row as the server sent it (binary format), handed to ``PostgresDecodable``.
public struct PostgresCell: Sendable {
    /// The column's type.
    public let type: PostgresDataType
    /// The binary value; nil for SQL NULL.
    public let bytes: ArraySlice<UInt8>?

    /// Creates a cell (used by tests and custom decoders).
    public init(type: PostgresDataType, bytes: ArraySlice<UInt8>?) {
        self.type = type
        self.bytes = bytes
    }

    /// The non-NULL bytes, or a decoding error for NULL.
    public func requireBytes<T>(for _: T.Type) throws(PostgresError) -> ArraySlice<UInt8> {
        guard let bytes else {
            throw PostgresError(.decoding, reason: "unexpected NULL for non-optional \(T.self)")
        }
        return bytes
    }

    /// The decoding error for a column whose type cannot become `T`.
    public func typeMismatch<T>(_: T.Type) -> PostgresError {
        PostgresError(.decoding, reason: "cannot decode \(self.type) as \(T.self)")
    }

    /// The decoding error for bytes that do not form a valid value of the column's type.
    public func malformed<T>(_: T.Type) -> PostgresError {
        PostgresError(.decoding, reason: "malformed \(self.type) value for \(T.self)")
    }

    /// The bytes read as a big-endian integer of exactly `width` bytes.
    func bigEndianInteger<T>(_: T.Type, width: Int) throws(PostgresError) -> UInt64 {
        let bytes = try self.requireBytes(for: T.self)
        guard bytes.count == width else { throw self.malformed(T.self) }
        return bytes.reduce(0) { ($0 << 8) | UInt64($1) }
    }

    /// Any integer column (int2, int4, int8, oid) as a signed 64-bit value.
    func integer<T>(_: T.Type) throws(PostgresError) -> Int64 {
        switch self.type {
        case .int2: Int64(Int16(truncatingIfNeeded: try self.bigEndianInteger(T.self, width: 2)))
        case .int4: Int64(Int32(truncatingIfNeeded: try self.bigEndianInteger(T.self, width: 4)))
        case .oid: Int64(UInt32(truncatingIfNeeded: try self.bigEndianInteger(T.self, width: 4)))
        case .int8: Int64(bitPattern: try self.bigEndianInteger(T.self, width: 8))
        default: throw self.typeMismatch(T.self)
        }
    }

    /// The UTF-8 text of textual and JSON columns (`jsonb`'s version byte removed).
    func textBytes<T>(_: T.Type) throws(PostgresError) -> ArraySlice<UInt8> {
        let bytes = try self.requireBytes(for: T.self)
        if self.type.isTextual || self.type == .json { return bytes }
        if self.type == .jsonb {
            guard bytes.first == 1 else { throw self.malformed(T.self) }
            return bytes.dropFirst()
        }
        throw self.typeMismatch(T.self)
    }
}

/// A Swift type that a column can be decoded into.
///
/// Conformers throw ``PostgresError`` with ``PostgresError/Code/decoding`` for a NULL (unless optional),
/// a column type they do not accept, or malformed bytes; the row adds the column's name.
public protocol PostgresDecodable: Sendable {
    /// Decodes one cell.
    static func decode(from cell: PostgresCell) throws -> Self
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    /// nil for NULL, otherwise the wrapped type's decoding.
    public static func decode(from cell: PostgresCell) throws -> Self {
        guard cell.bytes != nil else { return nil }
        return try Wrapped.decode(from: cell)
    }
}

extension String: PostgresDecodable {
    /// Accepts text, varchar, bpchar, name, "char", json and jsonb (the raw JSON text).
    public static func decode(from cell: PostgresCell) throws -> String {
        let bytes = try cell.textBytes(String.self)
        guard let string = String(validating: bytes, as: UTF8.self) else { throw cell.malformed(String.self) }
        return string
    }
}

extension Int: PostgresDecodable {
    /// Accepts smallint, integer, bigint and oid.
    public static func decode(from cell: PostgresCell) throws -> Int {
        guard let value = Int(exactly: try cell.integer(Int.self)) else { throw cell.malformed(Int.self) }
        return value
    }
}

extension Int64: PostgresDecodable {
    /// Accepts smallint, integer, bigint and oid.
    public static func decode(from cell: PostgresCell) throws -> Int64 {
        try cell.integer(Int64.self)
    }
}

extension Int32: PostgresDecodable {
    /// Accepts any integer column whose value fits; a larger value is a decoding error.
    public static func decode(from cell: PostgresCell) throws -> Int32 {
        guard let value = Int32(exactly: try cell.integer(Int32.self)) else {
            throw PostgresError(.decoding, reason: "\(cell.type) value out of range for Int32")
        }
        return value
    }
}

extension Int16: PostgresDecodable {
    /// Accepts any integer column whose value fits; a larger value is a decoding error.
    public static func decode(from cell: PostgresCell) throws -> Int16 {
        guard let value = Int16(exactly: try cell.integer(Int16.self)) else {
            throw PostgresError(.decoding, reason: "\(cell.type) value out of range for Int16")
        }
        return value
    }
}

extension Bool: PostgresDecodable {
    /// Accepts boolean.
    public static func decode(from cell: PostgresCell) throws -> Bool {
        guard cell.type == .bool else { throw cell.typeMismatch(Bool.self) }
        return try cell.bigEndianInteger(Bool.self, width: 1) != 0
    }
}

extension Double: PostgresDecodable {
    /// Accepts double precision and real.
    public static func decode(from cell: PostgresCell) throws -> Double {
        switch cell.type {
        case .float8: Double(bitPattern: try cell.bigEndianInteger(Double.self, width: 8))
        case .float4: Double(Float(bitPattern: UInt32(try cell.bigEndianInteger(Double.self, width: 4))))
        default: throw cell.typeMismatch(Double.self)
        }
    }
}

extension Date: PostgresDecodable {
    /// Accepts timestamptz and timestamp (read as UTC); `infinity` / `-infinity` become
    /// `Date.distantFuture` / `Date.distantPast`.
    public static func decode(from cell: PostgresCell) throws -> Date {
        guard cell.type == .timestamptz || cell.type == .timestamp else { throw cell.typeMismatch(Date.self) }
        let micros = Int64(bitPattern: try cell.bigEndianInteger(Date.self, width: 8))
        if micros == .max { return .distantFuture }
        if micros == .min { return .distantPast }
        let seconds = Double(micros / 1_000_000) + Double(micros % 1_000_000) / 1_000_000
        return Date(timeIntervalSince1970: PostgresValue.postgresEpoch + seconds)
    }
}

extension UUID: PostgresDecodable {
    /// Accepts uuid.
    public static func decode(from cell: PostgresCell) throws -> UUID {
        guard cell.type == .uuid else { throw cell.typeMismatch(UUID.self) }
        let b = Array(try cell.requireBytes(for: UUID.self))
        guard b.count == 16 else { throw cell.malformed(UUID.self) }
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                           b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

extension Array: PostgresDecodable where Element == UInt8 {
    /// Accepts bytea, and json / jsonb as their raw UTF-8 JSON text.
    public static func decode(from cell: PostgresCell) throws -> [UInt8] {
        if cell.type == .bytea { return Array(try cell.requireBytes(for: [UInt8].self)) }
        guard cell.type == .json || cell.type == .jsonb else { throw cell.typeMismatch([UInt8].self) }
        return Array(try cell.textBytes([UInt8].self))
    }
}

extension Data: PostgresDecodable {
    /// Accepts what `[UInt8]` accepts.
    public static func decode(from cell: PostgresCell) throws -> Data {
        Data(try [UInt8].decode(from: cell))
    }
}
