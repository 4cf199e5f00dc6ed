import Contracts
import Wire

/// Reads a document list's query: `limit` (1–200, else 400), `cursor`, `order`, `count=exact`, and every
/// other parameter as a filter, repeated ones included (`?total=gte.10&total=lt.20`), in order. Names and
/// values are decoded by the Router's one rule (``HTTPRequest/formDecoded(_:)``); the service checks the
/// filters' grammar.
enum DocumentListQuery {
    /// The parameters that are never filters.
    static let reserved: Set<String> = ["limit", "cursor", "order", "count"]
    /// The most filters one list takes.
    static let maxFilters = 32

    /// The request for `context`'s collection.
    static func read(_ context: RequestContext) throws(RouterError) -> ListDocumentsRequest {
        var limit = VaultLimits.defaultPageSize
        if let text = try context.query("limit") {
            guard let number = Int(text), VaultLimits.pageSizes.contains(number) else {
                throw RouterError.validation("limit", "limit must be an integer from 1 to 200.")
            }
            limit = number
        }
        let count = try context.query("count")
        guard count == nil || count == "exact" else { throw RouterError.validation("count", "count takes exact.") }
        let cursor = try context.query("cursor").flatMap { $0.isEmpty ? nil : $0 }
        var filters: [DocumentFilter] = []
        for pair in (context.request.query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let equals = pair.utf8.firstIndex(of: UInt8(ascii: "="))
            guard let name = HTTPRequest.formDecoded(equals.map { pair[..<$0] } ?? pair) else {
                throw RouterError.validation("query", "A query parameter is not validly percent-encoded UTF-8.")
            }
            guard !reserved.contains(name) else { continue }
            guard let value = HTTPRequest.formDecoded(equals.map { pair[pair.utf8.index(after: $0)...] } ?? "") else {
                throw RouterError.validation(name, "The query parameter \(name) is not validly percent-encoded UTF-8.")
            }
            filters.append(DocumentFilter(field: name, expression: value))
        }
        guard filters.count <= maxFilters else {
            throw RouterError.validation("query", "A list takes at most \(maxFilters) filters.")
        }
        return ListDocumentsRequest(
            collection: context.parameter("name"), filters: filters, order: try context.query("order"), limit: limit,
            cursor: cursor, countExact: count == "exact")
    }
}
