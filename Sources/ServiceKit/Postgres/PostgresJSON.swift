import Foundation

/// A `Codable` value stored in a `jsonb` (or read from a `json`) column.
///
/// ```swift
/// try await pool.execute("INSERT INTO prefs (id, doc) VALUES ($1, $2)", [id, PostgresJSON(prefs)])
/// let prefs = try row.decode(PostgresJSON<Prefs>.self, named: "doc").value
/// ```
public struct PostgresJSON<Value: Codable & Sendable>: Sendable, PostgresEncodable, PostgresDecodable {
    /// The wrapped value.
    public var value: Value

    /// Wraps a value.
    public init(_ value: Value) { self.value = value }

    /// Encodes the value with `JSONEncoder` and sends it as `jsonb`.
    /// - Throws: ``PostgresError/Code/invalidParameter`` if encoding fails.
    public func postgresValue() throws -> PostgresValue {
        do {
            return .jsonb(Array(try JSONEncoder().encode(self.value)))
        } catch {
            throw PostgresError(.invalidParameter, reason: "JSON encoding of \(Value.self) failed", underlying: error)
        }
    }

    /// Decodes a json or jsonb column with `JSONDecoder`.
    /// - Throws: ``PostgresError/Code/decoding`` with the `DecodingError` as `underlying`.
    public static func decode(from cell: PostgresCell) throws -> PostgresJSON<Value> {
        guard cell.type == .json || cell.type == .jsonb else { throw cell.typeMismatch(Self.self) }
        let bytes = try cell.textBytes(Self.self)
        do {
            return PostgresJSON(try JSONDecoder().decode(Value.self, from: Data(bytes)))
        } catch {
            throw PostgresError(.decoding, reason: "JSON decoding of \(Value.self) failed", underlying: error)
        }
    }
}
