import Contracts

/// A list's order: `order=total.desc,created_at.asc` (each key needs `.asc` or `.desc`; default
/// `created_at.asc`), and `id` ascending after the keys so every row has one place.
struct SortOrder: Sendable, Hashable {
    /// One key.
    struct Key: Sendable, Hashable {
        let field: DocumentField
        let descending: Bool
    }

    /// The most keys.
    static let maxKeys = 5

    /// The keys, without the final `id`.
    let keys: [Key]
    /// The order as normalized text (the cursor carries it, so a cursor only resumes the order it came from).
    let text: String

    /// Reads `order` (nil: `created_at.asc`); `VALIDATION_FAILED` with field `order` otherwise.
    init(_ order: String?) throws(PublicError) {
        let order = order ?? "created_at.asc"
        let invalid = PublicError.validation("order", "order is a comma-separated list of field.asc or field.desc.")
        var keys: [Key] = []
        for part in order.split(separator: ",", omittingEmptySubsequences: false) {
            let descending: Bool
            let name: Substring
            if part.hasSuffix(".asc") {
                descending = false
                name = part.dropLast(4)
            } else if part.hasSuffix(".desc") {
                descending = true
                name = part.dropLast(5)
            } else {
                throw invalid
            }
            keys.append(Key(field: try DocumentField(String(name), field: "order"), descending: descending))
        }
        guard !keys.isEmpty, keys.count <= Self.maxKeys else { throw invalid }
        self.keys = keys
        self.text = order
    }
}
