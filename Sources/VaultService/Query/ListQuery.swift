import Contracts
import ServiceKit

/// A document list, checked (filters, order, cursor, limit) and turned into its SQL: the page query and
/// the `count=exact` query, every value and field path a parameter.
struct ListQuery: Sendable {
    /// The request.
    let request: ListDocumentsRequest
    /// Its order.
    let order: SortOrder
    /// Where the previous page ended.
    let cursor: ListCursor?
    private let filters: [(field: DocumentField, expression: FilterExpression, name: String)]

    /// Checks `request`: `VALIDATION_FAILED` naming the filter's field, `order`, `cursor` or `limit`.
    init(_ request: ListDocumentsRequest) throws(PublicError) {
        var filters: [(field: DocumentField, expression: FilterExpression, name: String)] = []
        for filter in request.filters {
            filters.append((
                try DocumentField(filter.field, field: filter.field), try FilterExpression(filter.expression, field: filter.field),
                filter.field))
        }
        let order = try SortOrder(request.order)
        let cursor = try request.cursor.map { text throws(PublicError) in try ListCursor.decode(text, order: order) }
        guard VaultLimits.pageSizes.contains(request.limit) else {
            throw PublicError.validation("limit", "limit must be an integer from 1 to 200.")
        }
        self.request = request
        self.order = order
        self.cursor = cursor
        self.filters = filters
    }

    /// The statements of one page.
    struct Statement: @unchecked Sendable {
        /// The page: the document columns, then one `kN` text column per sort key; `limit + 1` rows.
        let sql: String
        /// Its parameters.
        let parameters: [any PostgresEncodable]
        /// `count(*)` of the same filters, without the cursor.
        let countSQL: String
        /// Its parameters (the leading ones of ``parameters``).
        let countParameters: [any PostgresEncodable]
    }

    /// The statements over `schema`'s documents, restricted to `onlyOwner`'s documents when given.
    func statement(schema: String, columns: String, onlyOwner: String?) throws(PublicError) -> Statement {
        var parameters = SQLParameters()
        var conditions = ["collection = \(parameters.bind(request.collection))"]
        for filter in filters {
            conditions.append(try FilterSQL.condition(filter.field, filter.expression, name: filter.name, &parameters))
        }
        if let onlyOwner { conditions.append("owner_id = \(parameters.bind(onlyOwner))") }
        let matching = conditions.joined(separator: " AND ")
        let countParameters = parameters.values
        let keys = order.keys.map { ($0, $0.field.sortKey(&parameters)) }
        var pageConditions = conditions
        if let cursor { pageConditions.append(Self.after(cursor, keys: keys, &parameters)) }
        let orderBy = keys.map { "\($0.1.expression) \($0.0.descending ? "DESC" : "ASC")" } + ["(id COLLATE \"C\") ASC"]
        let values = keys.enumerated().map { "(\($0.element.1.expression))::text AS k\($0.offset)" }
        let limit = parameters.bind(request.limit + 1)
        return Statement(
            sql: """
                SELECT \(columns), \(values.joined(separator: ", ")) FROM \(schema).documents
                WHERE \(pageConditions.joined(separator: " AND ")) ORDER BY \(orderBy.joined(separator: ", ")) LIMIT \(limit)
                """,
            parameters: parameters.values,
            countSQL: "SELECT count(*) FROM \(schema).documents WHERE \(matching)", countParameters: countParameters)
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
}
