/// One row of ``PostgresRows``; decode its columns by position or name.
///
/// Decoding never crashes: a missing column, a type mismatch or a NULL into a non-optional type throws
/// ``PostgresError`` with ``PostgresError/Code/decoding`` naming the column. Results arrive in binary
/// format; for a type without a ``PostgresDecodable`` conformance (e.g. `numeric`, `interval`, arrays),
/// cast it in SQL (`amount::text`, `to_jsonb(tags)`).
public struct PostgresRow: Sendable {
    let storage: PostgresRows.Storage
    let row: Int

    /// The number of columns.
    public var columnCount: Int { self.storage.columns.count }

    /// The raw cell at `column` (0-based).
    /// - Throws: ``PostgresError/Code/decoding`` if there is no such column.
    public func cell(at column: Int) throws -> PostgresCell {
        let columns = self.storage.columns
        guard column >= 0 && column < columns.count else {
            throw PostgresError(.decoding, reason: "no such column", column: String(column))
        }
        let range = self.storage.cells[self.row * columns.count + column]
        return PostgresCell(type: columns[column].type, bytes: range.map { self.storage.bytes[$0] })
    }

    /// Decodes the column at `index` (0-based).
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, at index: Int) throws -> T {
        let cell = try self.cell(at: index)
        do {
            return try T.decode(from: cell)
        } catch var error as PostgresError {
            error.column = self.storage.columns[index].name
            throw error
        }
    }

    /// Decodes the first column with this name.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, named name: String) throws -> T {
        guard let index = self.storage.columnIndex[name] else {
            throw PostgresError(.decoding, reason: "no such column", column: name)
        }
        return try self.decode(T.self, at: index)
    }

    /// Decodes the leading columns as a tuple, in order: `try row.decode((Int, String?).self)`.
    public func decode<each T: PostgresDecodable>(_: (repeat each T).Type) throws -> (repeat each T) {
        var index = 0
        func next<U: PostgresDecodable>(_: U.Type) throws -> U {
            defer { index += 1 }
            return try self.decode(U.self, at: index)
        }
        return (repeat try next((each T).self))
    }
}
