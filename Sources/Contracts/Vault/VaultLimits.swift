/// The vault's limits that both the Router (at the edge, and in its OpenAPI document) and VaultService
/// check: declared once, here.
public enum VaultLimits {
    /// A collection name: a lowercase letter, then up to 62 lowercase letters, digits or underscores.
    public static let collectionNamePattern = "^[a-z][a-z0-9_]{0,62}$"
    /// A client-chosen document id.
    public static let documentIDPattern = "^[A-Za-z0-9_-]{1,64}$"
    /// The most documents one `POST` may create.
    public static let maxBatch = 500
    /// The largest `data`, in bytes of its JSON text (as PostgreSQL writes it back).
    public static let maxDataBytes = 1 << 20
    /// The page sizes of a document list.
    public static let pageSizes = 1...200
    /// The page size without `?limit=`.
    public static let defaultPageSize = 50

    /// Whether `name` is a valid collection name.
    public static func isCollectionName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }

    /// Whether `id` is a valid document id.
    public static func isDocumentID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
    }
}
