import Contracts
import ServiceKit

extension VaultStore {
    /// The most bytes of documents one page carries (a page of large documents ends early, with a cursor).
    static let maxPageBytes = 8 << 20

    /// A page of a collection's documents: filtered, in `order` (then `id`), after `cursor` (keyset),
    /// with `total` when asked. `owner` rules filter to the caller's own documents.
    func list(_ request: ListDocumentsRequest, caller: Caller) async throws -> DocumentPage {
        let query = try ListQuery(request)
        let location = try await location(caller.projectID)
        let access = try caller.access(try await rules(location.pool, schema: location.schema, collection: request.collection).read)
        let statement = try query.statement(schema: location.schema, columns: Self.documentColumns, onlyOwner: access.onlyOwner)
        let rows = try await Self.readingCursor { try await location.pool.query(statement.sql, statement.parameters) }
        var documents: [DocumentView] = []
        var bytes = 0
        for row in rows.prefix(request.limit) {
            let document = try Self.document(row)
            if !documents.isEmpty, bytes + document.json.utf8.count > Self.maxPageBytes { break }
            bytes += document.json.utf8.count
            documents.append(document)
        }
        var next: String?
        if rows.count > documents.count, let last = documents.last {
            let row = rows[documents.count - 1]
            let values = try (0..<query.order.keys.count).map { try row.decode(String.self, at: 3 + $0) }
            next = ListCursor(order: query.order.text, values: values, id: last.id).encoded
        }
        var total: Int64?
        if request.countExact {
            let counted = try await location.pool.query(statement.countSQL, statement.countParameters)
            total = try counted[0].decode(Int64.self, at: 0)
        }
        return DocumentPage(data: documents, nextCursor: next, total: total)
    }

    /// A cursor value PostgreSQL cannot read back (tampered with) is 400 `VALIDATION_FAILED` `cursor`.
    private static func readingCursor<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PostgresError where error.sqlState.map({ $0.hasPrefix("22") }) == true {
            throw PublicError.validation("cursor", "The cursor is not valid for this list.")
        }
    }
}
