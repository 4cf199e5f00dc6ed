import Wire

/// `vault.CreateDocuments`'s request: the request body as received, a JSON object `{"id"?,"data"}` or an
/// array of them. It stays JSON text all the way to PostgreSQL (`jsonb`), so numbers of any size and
/// precision are kept exactly.
public struct CreateDocumentsRequest: Codable, Sendable, Hashable {
    /// The collection.
    public var collection: String
    /// The JSON body.
    public var body: String

    /// Creates a request.
    public init(collection: String, body: String) {
        self.collection = collection
        self.body = body
    }
}

/// What `vault.CreateDocuments` made.
public struct CreatedDocuments: Codable, Sendable, Hashable {
    /// The documents, in the body's order.
    public var documents: [DocumentView]
    /// Whether the body was an array (the answer is then `{"data":[…]}`).
    public var batch: Bool

    /// Creates the answer.
    public init(documents: [DocumentView], batch: Bool) {
        self.documents = documents
        self.batch = batch
    }
}

/// A document: its id and version (for `ETag`) and its whole JSON rendering
/// `{"id","version","owner_id","created_at","updated_at","data"}`, made by PostgreSQL.
public struct DocumentView: Codable, Sendable, Hashable {
    /// The id.
    public var id: String
    /// The version (1 when created, one more per write).
    public var version: Int64
    /// The document as JSON text.
    public var json: String

    /// Creates a view.
    public init(id: String, version: Int64, json: String) {
        self.id = id
        self.version = version
        self.json = json
    }
}

/// Names one document; `ifMatch` is the version the write expects (`VERSION_MISMATCH` otherwise).
public struct DocumentRequest: Codable, Sendable, Hashable {
    /// The collection.
    public var collection: String
    /// The id.
    public var id: String
    /// The expected current version (`If-Match`), if any.
    public var ifMatch: Int64?

    /// Creates a request.
    public init(collection: String, id: String, ifMatch: Int64? = nil) {
        self.collection = collection
        self.id = id
        self.ifMatch = ifMatch
    }
}

/// How `vault.WriteDocument` writes.
public enum WriteMode: String, Codable, Sendable, Hashable {
    /// RFC 7396 JSON Merge Patch of `data` (`NOT_FOUND` when absent).
    case patch
    /// Replaces `data`, creating the document when absent.
    case replace
}

/// `vault.WriteDocument`'s request: the body as received (`{"data":…}`).
public struct WriteDocumentRequest: Codable, Sendable, Hashable {
    /// The document.
    public var document: DocumentRequest
    /// Patch or replace.
    public var mode: WriteMode
    /// The JSON body.
    public var body: String

    /// Creates a request.
    public init(document: DocumentRequest, mode: WriteMode, body: String) {
        self.document = document
        self.mode = mode
        self.body = body
    }
}

/// What `vault.WriteDocument` did.
public struct WrittenDocument: Codable, Sendable, Hashable {
    /// The document after the write.
    public var document: DocumentView
    /// Whether a `replace` created it (201 rather than 200).
    public var created: Bool

    /// Creates the answer.
    public init(document: DocumentView, created: Bool) {
        self.document = document
        self.created = created
    }
}

/// One list filter as written in the query: `field=expression` (`status=eq.paid`).
public struct DocumentFilter: Codable, Sendable, Hashable {
    /// The dotted field, or `id`, `created_at`, `updated_at`.
    public var field: String
    /// The operator and value (`not.in.(a,b)`).
    public var expression: String

    /// Creates a filter.
    public init(field: String, expression: String) {
        self.field = field
        self.expression = expression
    }
}

/// `vault.ListDocuments`'s request.
public struct ListDocumentsRequest: Codable, Sendable, Hashable {
    /// The collection.
    public var collection: String
    /// The filters (all must hold).
    public var filters: [DocumentFilter]
    /// `order` as written (`total.desc,created_at.asc`), or nil for `created_at.asc`.
    public var order: String?
    /// The page size (1–200).
    public var limit: Int
    /// Where the previous page ended.
    public var cursor: String?
    /// Whether to count every match (`count=exact`).
    public var countExact: Bool

    /// Creates a request.
    public init(
        collection: String, filters: [DocumentFilter] = [], order: String? = nil, limit: Int = VaultLimits.defaultPageSize,
        cursor: String? = nil, countExact: Bool = false
    ) {
        self.collection = collection
        self.filters = filters
        self.order = order
        self.limit = limit
        self.cursor = cursor
        self.countExact = countExact
    }
}

/// One page of documents.
public struct DocumentPage: Codable, Sendable, Hashable {
    /// The documents.
    public var data: [DocumentView]
    /// The next page's cursor, nil on the last.
    public var nextCursor: String?
    /// Every match (with `countExact`).
    public var total: Int64?

    /// Creates a page.
    public init(data: [DocumentView], nextCursor: String?, total: Int64?) {
        self.data = data
        self.nextCursor = nextCursor
        self.total = total
    }
}
