import Foundation

/// One statement parameter, as sent to the server (binary format, with its type).
///
/// Swift values become parameters through ``PostgresEncodable``; use `PostgresValue.null` for an untyped NULL
/// (the server infers its type from the statement) and ``PostgresJSON`` for a `Codable` value stored as `jsonb`.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL; its type is inferred by the server.
    case null
    /// `text`. Must not contain NUL (PostgreSQL text cannot hold it).
    case text(String)
    /// `smallint`
    case int16(Int16)
    /// `integer`
    case int32(Int32)
    /// `bigint`
    case int64(Int64)
    /// `boolean`
    case bool(Bool)
    /// `double precision`
    case double(Double)
    /// `timestamp with time zone`, microsecond precision.
    case timestamp(Date)
    /// `bytea`
    case bytes([UInt8])
    /// `jsonb` given as UTF-8 JSON text (not validated here: the server rejects malformed JSON).
    case jsonb([UInt8])
    /// `uuid`
    case uuid(UUID)

    /// PostgreSQL's timestamp epoch, 2000-01-01 00:00:00 UTC, in Unix seconds.
    static let postgresEpoch: TimeInterval = 946_684_800

    /// The parameter's type OID and binary bytes (nil for NULL), as PQexecParams takes them.
    /// - Throws: ``PostgresError/Code/invalidParameter`` naming `$index` (never the value).
    func binary(index: Int) throws(PostgresError) -> (type: PostgresDataType, bytes: [UInt8]?) {
        switch self {
        case .null:
            return (.unspecified, nil)
        case .text(let string):
            let bytes = Array(string.utf8)
            guard !bytes.contains(0) else {
                throw PostgresError(.invalidParameter, reason: "text cannot contain NUL", column: "$\(index)")
            }
            return (.text, bytes)
        case .int16(let value):
            return (.int2, fileprivateBigEndianBytes(value))
        case .int32(let value):
            return (.int4, fileprivateBigEndianBytes(value))
        case .int64(let value):
            return (.int8, fileprivateBigEndianBytes(value))
        case .bool(let value):
            return (.bool, [value ? 1 : 0])
        case .double(let value):
            return (.float8, fileprivateBigEndianBytes(value.bitPattern))
        case .timestamp(let date):
            let micros = ((date.timeIntervalSince1970 - Self.postgresEpoch) * 1_000_000).rounded()
            guard let value = Int64(exactly: micros) else {
                throw PostgresError(.invalidParameter, reason: "date out of range", column: "$\(index)")
            }
            return (.timestamptz, fileprivateBigEndianBytes(value))
        case .bytes(let bytes):
            return (.bytea, bytes)
        case .jsonb(let json):
            return (.jsonb, [1] + json)
        case .uuid(let uuid):
            let u = uuid.uuid
            return (.uuid, [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15])
        }
    }
}

/// The big-endian bytes of a fixed-width integer.
fileprivate func fileprivateBigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}
