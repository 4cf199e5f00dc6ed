import Foundation
import Wire

/// The contract's lists: `?limit=` (1–200, default 50), `?cursor=`, `{"data":[…],"next_cursor":…}`.
enum Pagination {
    /// The limit and cursor of `request`; 400 `VALIDATION_FAILED` for a bad limit.
    static func read(_ request: RouteRequest) throws -> (limit: Int, cursor: String?) {
        var limit = 50
        var cursor: String?
        for pair in (request.http.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? HTTPRequestDecoding.decode(parts[1]) : ""
            switch parts[0] {
            case "limit":
                guard let number = Int(value), (1...200).contains(number) else {
                    throw RouterError.validation("limit", "limit must be an integer from 1 to 200.")
                }
                limit = number
            case "cursor": cursor = value.isEmpty ? nil : value
            default: break
            }
        }
        return (limit, cursor)
    }

    /// A page of `items`.
    static func page(_ items: [JSONValue], next: String?) -> RouteResponse {
        .json(["data": .array(items), "next_cursor": .string(next)])
    }
}

/// Query-value decoding (`+` is a space, then percent-decoding).
fileprivate enum HTTPRequestDecoding {
    static func decode(_ text: Substring) -> String {
        Wire.HTTPRequest.percentDecoded(text.replacingOccurrences(of: "+", with: " ")) ?? ""
    }
}
