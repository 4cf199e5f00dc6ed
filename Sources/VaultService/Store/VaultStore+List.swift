import Contracts
import ServiceKit

extension VaultStore {
    /// The most bytes of documents one page carries (a page of large documents ends early, with a cursor).
    static let maxPageBytes = 8 << 20

    /// A page of a collection's documents: filtered, in `order` (then `id`), after `cursor` (keyset),
    /// with `total` when asked. `owner` rules filter to the caller's own documents.
    func list(_ request: ListDocumentsRequest, caller: Caller) async throws -> DocumentPage {
        var parameters = SQLParameters()
        let collection = parameters.bind(request.collection)
        var conditions = ["collection = \(collection)"]
        for filter in request.filters {
            let field = try DocumentField(filter.field, field: filter.field)
            let expression = try FilterExpression(filter.expression, field: filter.field)
            conditions.append(try FilterSQL.condition(field, expression, name: filter.field, &parameters))
        }
        let order = try SortOrder(request.order)
        let cursor = try request.cursor.map { text throws(PublicError) in try ListCursor.decode(text, order: order) }
        guard VaultLimits.pageSizes.contains(request.limit) else {
            throw PublicError.validation("limit", "limit must be an integer from 1 to 200.")
        }
        let schema = try await schema(caller.projectID)
        let access = try caller.access(try await rules(pool, schema: schema, collection: request.collection).read)
        if let owner = access.onlyOwner { conditions.append("owner_id = \(parameters.bind(owner))") }
        let matching = conditions.joined(separator: " AND ")
        let keys = order.keys.map { ($0, $0.field.sortKey(&parameters)) }
        var pageConditions = conditions
        if let cursor {
            pageConditions.append(Self.after(cursor, keys: keys, &parameters))
        }
        let orderBy = keys.map { "\($0.1.expression) \($0.0.descending ? "DESC" : "ASC")" } + ["(id COLLATE \"C\") ASC"]
        let values = keys.enumerated().map { "(\($0.element.1.expression))::text AS k\($0.offset)" }
        let limit = parameters.bind(request.limit + 1)
        let rows = try await Self.readingCursor {
            try await pool.query("""
                SELECT \(Self.documentColumns), \(values.joined(separator: ", ")) FROM \(schema).documents
                WHERE \(pageConditions.joined(separator: " AND ")) ORDER BY \(orderBy.joined(separator: ", ")) LIMIT \(limit)
                """, parameters.values)
        }
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
            let values = try (0..<keys.count).map { try row.decode(String.self, at: 3 + $0) }
            next = ListCursor(order: order.text, values: values, id: last.id).encoded
        }
        var total: Int64?
        if request.countExact {
            let counted = try await pool.query(
                "SELECT count(*) FROM \(schema).documents WHERE \(matching)",
                Array(parameters.values.prefix(Self.highestPlaceholder(in: matching))))
            total = try counted[0].decode(Int64.self, at: 0)
        }
        return DocumentPage(data: documents, nextCursor: next, total: total)
    }

    /// Rows strictly after the cursor's row in the order: `k0 > v0 OR (k0 = v0 AND k1 < v1) OR … OR
    /// (all equal AND id > last id)`, each value a parameter cast back to its key's type.
    private static func after(
        _ cursor: ListCursor, keys: [(SortOrder.Key, (expression: String, type: String))], _ parameters: inout SQLParameters
    ) -> String {
        var terms: [(expression: String, value: String, descending: Bool)] = []
        for (index, key) in keys.enumerated() {
            terms.append((key.1.expression, "\(parameters.bind(cursor.values[index]))::\(key.1.type)", key.0.descending))
        }
        terms.append(("(id COLLATE \"C\")", "\(parameters.bind(cursor.id))::text COLLATE \"C\"", false))
        var alternatives: [String] = []
        for index in terms.indices {
            let equal = terms[..<index].map { "\($0.expression) = \($0.value)" }
            let term = terms[index]
            alternatives.append((equal + ["\(term.expression) \(term.descending ? "<" : ">") \(term.value)"]).joined(separator: " AND "))
        }
        return "(" + alternatives.map { "(\($0))" }.joined(separator: " OR ") + ")"
    }

    /// The largest `$n` in `sql` (the count query uses the leading parameters only).
    private static func highestPlaceholder(in sql: String) -> Int {
        sql.matches(of: /\$(\d+)/).compactMap { Int($0.output.1) }.max() ?? 0
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
