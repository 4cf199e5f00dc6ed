import Contracts
import Foundation
import ServiceKit

/// The opaque cursor of a document list: the order it belongs to, the last row's sort values (as
/// PostgreSQL wrote them, cast back to their type when resuming) and its id, as base64url JSON. The next
/// page starts strictly after that row in the order (keyset), so rows inserted or deleted meanwhile never
/// shift it.
struct ListCursor: Codable, Sendable, Hashable {
    /// ``SortOrder/text``.
    var order: String
    /// One value per sort key.
    var values: [String]
    /// The last row's id.
    var id: String

    private enum CodingKeys: String, CodingKey {
        case order = "o", values = "v", id = "i"
    }

    /// The cursor as sent to clients.
    var encoded: String {
        Base64URL.encode((try? JSONEncoder().encode(self)).map(Array.init) ?? [])
    }

    /// Decodes `text` for `order`; `VALIDATION_FAILED` with field `cursor` unless it is one this service
    /// made for the same order.
    static func decode(_ text: String, order: SortOrder) throws(PublicError) -> ListCursor {
        let invalid = PublicError.validation("cursor", "The cursor is not valid for this list.")
        guard text.utf8.count <= 16384, let bytes = Base64URL.decode(text),
              let cursor = try? JSONDecoder().decode(ListCursor.self, from: Data(bytes)),
              cursor.order == order.text, cursor.values.count == order.keys.count
        else { throw invalid }
        return cursor
    }
}
