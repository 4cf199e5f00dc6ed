import Wire

/// A page request for any Wire list method: at most `limit` items after the opaque `cursor`.
///
/// The Router has already checked `limit` against the contract (1–200, default 50); services clamp again.
public struct PageQuery: Codable, Sendable, Hashable {
    /// How many items at most.
    public var limit: Int
    /// Where the previous page ended (opaque, from ``Page/nextCursor``), or nil for the first page.
    public var cursor: String?

    /// Creates a query.
    public init(limit: Int = 50, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of a list: the items and the cursor of the next page (nil on the last page).
public struct Page<Item: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The items, in the method's order.
    public var data: [Item]
    /// The cursor to pass for the next page, or nil when this is the last.
    public var nextCursor: String?

    /// Creates a page.
    public init(data: [Item], nextCursor: String?) {
        self.data = data
        self.nextCursor = nextCursor
    }
}

/// The empty request or response.
public struct Empty: Codable, Sendable, Hashable {
    /// Creates the empty value.
    public init() {}
}
