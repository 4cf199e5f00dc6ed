/// The rows a statement returned, copied out of libpq's result so they can cross tasks.
///
/// ```swift
/// let rows = try await pool.query("SELECT id, email FROM users WHERE project_id = $1", [projectID])
/// for row in rows {
///     let (id, email) = try row.decode((UUID, String).self)
/// }
/// ```
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// One result column.
    public struct Column: Sendable, Hashable {
        /// The column's name as the statement labels it.
        public let name: String
        /// The column's type.
        public let type: PostgresDataType
    }

    /// Immutable storage shared by the rows (one buffer for all values).
    final class Storage: Sendable {
        let columns: [Column]
        let columnIndex: [String: Int]
        let bytes: [UInt8]
        /// `rowCount * columns.count` ranges into `bytes`, row-major; nil is SQL NULL.
        let cells: [Range<Int>?]

        init(columns: [Column], bytes: [UInt8], cells: [Range<Int>?]) {
            self.columns = columns
            var index: [String: Int] = [:]
            for (position, column) in columns.enumerated() where index[column.name] == nil {
                index[column.name] = position
            }
            self.columnIndex = index
            self.bytes = bytes
            self.cells = cells
        }
    }

    let storage: Storage
    /// The number of rows.
    public let count: Int
    /// Rows inserted, updated, deleted or selected, as the command tag reports (0 when it reports none).
    public let affectedRowCount: Int
    /// The command tag, e.g. `INSERT 0 1`.
    public let commandTag: String

    init(storage: Storage, count: Int, affectedRowCount: Int, commandTag: String) {
        self.storage = storage
        self.count = count
        self.affectedRowCount = affectedRowCount
        self.commandTag = commandTag
    }

    /// The result's columns.
    public var columns: [Column] { self.storage.columns }
    /// `0`
    public var startIndex: Int { 0 }
    /// ``count``
    public var endIndex: Int { self.count }

    /// The row at `position`.
    public subscript(position: Int) -> PostgresRow {
        precondition(position >= 0 && position < self.count, "row index out of range")
        return PostgresRow(storage: self.storage, row: position)
    }
}
