import Foundation

/// A Swift value that can be sent as a statement parameter (`$1`, `$2`, …).
///
/// Values are always sent separately from the SQL text (PQexecParams): there is no API that splices a value
/// into a statement. `Optional` encodes `nil` as NULL.
public protocol PostgresEncodable: Sendable {
    /// The parameter to send.
    /// - Throws: ``PostgresError`` with ``PostgresError/Code/invalidParameter`` if the value cannot be encoded.
    func postgresValue() throws -> PostgresValue
}

extension PostgresValue: PostgresEncodable {
    /// Itself.
    public func postgresValue() -> PostgresValue { self }
}

extension String: PostgresEncodable {
    /// `text`
    public func postgresValue() -> PostgresValue { .text(self) }
}

extension Substring: PostgresEncodable {
    /// `text`
    public func postgresValue() -> PostgresValue { .text(String(self)) }
}

extension Int: PostgresEncodable {
    /// `bigint`
    public func postgresValue() -> PostgresValue { .int64(Int64(self)) }
}

extension Int64: PostgresEncodable {
    /// `bigint`
    public func postgresValue() -> PostgresValue { .int64(self) }
}

extension Int32: PostgresEncodable {
    /// `integer`
    public func postgresValue() -> PostgresValue { .int32(self) }
}

extension Int16: PostgresEncodable {
    /// `smallint`
    public func postgresValue() -> PostgresValue { .int16(self) }
}

extension Bool: PostgresEncodable {
    /// `boolean`
    public func postgresValue() -> PostgresValue { .bool(self) }
}

extension Double: PostgresEncodable {
    /// `double precision`
    public func postgresValue() -> PostgresValue { .double(self) }
}

extension Date: PostgresEncodable {
    /// `timestamp with time zone` (microsecond precision)
    public func postgresValue() -> PostgresValue { .timestamp(self) }
}

extension UUID: PostgresEncodable {
    /// `uuid`
    public func postgresValue() -> PostgresValue { .uuid(self) }
}

extension Array: PostgresEncodable where Element == UInt8 {
    /// `bytea`
    public func postgresValue() -> PostgresValue { .bytes(self) }
}

extension Data: PostgresEncodable {
    /// `bytea`
    public func postgresValue() -> PostgresValue { .bytes(Array(self)) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    /// The wrapped value, or NULL.
    public func postgresValue() throws -> PostgresValue {
        switch self {
        case .none: .null
        case .some(let value): try value.postgresValue()
        }
    }
}
