import Contracts
import ServiceKit
import Wire

/// The opaque cursor of the comms lists (newest first): the last item's creation time in microseconds and
/// its key (id or email), base64url-encoded. Lists resume strictly after it.
struct PageCursor: Sendable, Hashable {
    /// `created_at` in microseconds since the Unix epoch.
    let micros: Int64
    /// The tie-breaking key of the last item.
    let key: String

    /// Encodes the cursor.
    var encoded: String { Base64URL.encode("\(micros):\(key)") }

    /// Creates a cursor.
    init(micros: Int64, key: String) {
        self.micros = micros
        self.key = key
    }

    /// Decodes `text`; nil for nil. Throws `VALIDATION_FAILED` (field `cursor`) for anything else.
    static func decode(_ text: String?) throws(PublicError) -> PageCursor? {
        guard let text else { return nil }
        guard text.utf8.count <= 512, let bytes = Base64URL.decode(text),
              let string = String(validating: bytes, as: UTF8.self),
              let colon = string.firstIndex(of: ":"), let micros = Int64(string[..<colon])
        else { throw PublicError.validation("cursor", "The cursor is not valid.") }
        return PageCursor(micros: micros, key: String(string[string.index(after: colon)...]))
    }

    /// The page size to fetch for `query`: its limit clamped to 1–200.
    static func limit(_ query: PageQuery) -> Int {
        min(max(query.limit, 1), 200)
    }
}
