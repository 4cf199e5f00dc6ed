import Contracts
import Foundation
import ServiceKit

/// A collection's declared index, checked, and the PostgreSQL index that makes it real: a partial
/// expression index on the tenant's `documents` (`WHERE collection = '<name>'`) over each field's sort key
/// (``DocumentField/sortKey(pathSQL:)``, the very expression lists order by and `eq`/`in`/`is`/number
/// filters compare), in the declared directions, then `id` (byte-wise) unless it is unique.
///
/// Its name is `ix_`, 12 hex digits of SHA-256 of the collection name, `_`, and 16 of SHA-256 of the
/// declaration: never caller text, and the collection's indexes share a prefix (so those no longer
/// declared can be found and dropped).
struct DeclaredIndex: Sendable, Hashable {
    /// As declared.
    let declaration: CollectionIndex
    /// Its keys.
    let keys: [SortOrder.Key]

    /// The most fields of one index.
    static let maxFields = 5

    /// Checks `declaration`; `VALIDATION_FAILED` naming `field` (`indexes.0`) and its members.
    init(_ declaration: CollectionIndex, field: String) throws(PublicError) {
        guard (1...Self.maxFields).contains(declaration.fields.count) else {
            throw PublicError.validation(field + ".fields", "An index has 1 to \(Self.maxFields) fields.")
        }
        var keys: [SortOrder.Key] = []
        for (index, text) in declaration.fields.enumerated() {
            let descending = text.hasPrefix("-")
            let key = SortOrder.Key(
                field: try DocumentField(String(descending ? text.dropFirst() : Substring(text)), field: "\(field).fields.\(index)"),
                descending: descending)
            guard !keys.contains(where: { $0.field == key.field }) else {
                throw PublicError.validation("\(field).fields.\(index)", "A field appears twice in the index.")
            }
            keys.append(key)
        }
        self.declaration = declaration
        self.keys = keys
    }

    /// Checks every declaration: at most `limit` (403 `PLAN_LIMIT_REACHED`), none twice (400).
    static func checked(_ declarations: [CollectionIndex], limit: Int) throws(PublicError) -> [DeclaredIndex] {
        guard declarations.count <= limit else {
            throw PublicError(.planLimitReached, "A collection may have at most \(limit) indexes.")
        }
        var indexes: [DeclaredIndex] = []
        for (offset, declaration) in declarations.enumerated() {
            let index = try DeclaredIndex(declaration, field: "indexes.\(offset)")
            guard !indexes.contains(where: { $0.identity == index.identity }) else {
                throw PublicError.validation("indexes.\(offset)", "This index is declared twice.")
            }
            indexes.append(index)
        }
        return indexes
    }

    /// What makes two declarations the same index.
    private var identity: String {
        (declaration.unique ? "unique:" : "index:") + declaration.fields.joined(separator: "\u{0}")
    }

    /// The names of `collection`'s indexes start with this.
    static func namePrefix(collection: String) -> String {
        "ix_" + hex(collection, digits: 12) + "_"
    }

    /// The PostgreSQL index's name.
    func name(collection: String) -> String {
        Self.namePrefix(collection: collection) + Self.hex(identity, digits: 16)
    }

    /// `CREATE [UNIQUE] INDEX CONCURRENTLY …` as a `format()` string whose `%L`s are, in order, the field
    /// paths and the collection name (`arguments`): PostgreSQL quotes them, and the rest is ours. Without
    /// `concurrently` (a restore, inside its transaction) it is a plain `CREATE INDEX`.
    func createFormat(schema: String, collection: String, concurrently: Bool = true) -> (format: String, arguments: [String]) {
        var arguments: [String] = []
        var columns: [String] = []
        for key in keys {
            let expression = key.field.sortKey { path in
                arguments.append(path)
                return "%L"
            }.expression
            columns.append(expression + (key.descending ? " DESC" : ""))
        }
        if !declaration.unique { columns.append("(id COLLATE \"C\")") }
        arguments.append(collection)
        let format = """
            CREATE \(declaration.unique ? "UNIQUE " : "")INDEX \(concurrently ? "CONCURRENTLY " : "")\(name(collection: collection)) \
            ON \(schema).documents (\(columns.joined(separator: ", "))) WHERE collection = %L
            """
        return (format, arguments)
    }

    private static func hex(_ text: String, digits: Int) -> String {
        SHA256.hash(text).prefix(digits / 2).map { String(format: "%02x", $0) }.joined()
    }
}
