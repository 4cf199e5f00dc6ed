import Wire

/// The contract's lists: `?limit=` (1–200, default 50), `?cursor=`, `{"data":[…],"next_cursor":…}`.
enum Pagination {
    /// The allowed page sizes.
    static let limits = 1...200
    /// The page size without `?limit=`.
    static let defaultLimit = 50

    /// The two query parameters, for the document (stated from the same limits as ``read(_:)`` checks).
    static let parameters: [QueryParameter] = [
        QueryParameter(name: "limit", schema: [
            "type": "integer", "minimum": .int(limits.lowerBound), "maximum": .int(limits.upperBound),
            "default": .int(defaultLimit),
        ]),
        QueryParameter(name: "cursor", schema: ["type": "string"]),
    ]

    /// The limit and cursor of the request; 400 `VALIDATION_FAILED` for a bad limit (an empty cursor is none).
    static func read(_ context: RequestContext) throws(RouterError) -> (limit: Int, cursor: String?) {
        var limit = defaultLimit
        if let text = try context.query("limit") {
            guard let number = Int(text), limits.contains(number) else {
                throw RouterError.validation(
                    "limit", "limit must be an integer from \(limits.lowerBound) to \(limits.upperBound).")
            }
            limit = number
        }
        let cursor = try context.query("cursor")
        return (limit, cursor?.isEmpty == false ? cursor : nil)
    }

    /// A page of `items`.
    static func page(_ items: [JSONValue], next: String?) -> RouteResponse {
        .json(["data": .array(items), "next_cursor": .string(next)])
    }
}
