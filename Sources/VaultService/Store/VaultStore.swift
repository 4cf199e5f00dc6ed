import Contracts
import ServiceKit

/// VaultService's data: the tenant catalog and each project's tenant schema (`collections`, `documents`).
/// Every method takes the project's schema from the catalog (``TenantCatalog``), so a query can only ever
/// reach the caller's own project; names and ids of other projects look absent.
///
/// The extensions group the methods: `+Collections`, `+Documents` (one document), `+List`, `+Bodies`
/// (reading request bodies with PostgreSQL's own JSON parser), `+Tenant` (the operator's view).
struct VaultStore: Sendable {
    /// The pool.
    let pool: PostgresPool
    /// The tenants.
    let tenants: TenantCatalog

    /// A store whose catalog is `catalog` (`vault`, or a test's own schema).
    init(pool: PostgresPool, catalog: String = VaultServiceMigrations.schema) {
        self.pool = pool
        self.tenants = TenantCatalog(pool: pool, catalog: catalog)
    }

    /// The catalog schema (its `json_merge_patch` function).
    var catalog: String { tenants.catalog }

    /// The project's schema; `NOT_FOUND` (as for an unknown collection) when it has none yet.
    func schema(_ projectID: String) async throws -> String {
        guard let tenant = try await tenants.tenant(projectID: projectID) else { throw Self.noCollection }
        return tenant.location
    }

    /// The answer for an unknown (or another project's) collection.
    static let noCollection = PublicError.notFound("No such collection.")
    /// The answer for an unknown (or another project's, or another user's) document.
    static let noDocument = PublicError.notFound("No such document.")

    /// The columns of a document: its id, version and whole JSON text in the contract's shape.
    static let documentColumns = "id, version, " + documentJSON

    /// A document row's JSON text in the contract's shape (timestamps to the microsecond).
    static let documentJSON = """
        '{"id":' || to_json(id)::text || ',"version":' || version || ',"owner_id":' ||
        COALESCE(to_json(owner_id)::text, 'null') || ',"created_at":"' ||
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '","updated_at":"' ||
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '","data":' || data::text || '}'
        """

    /// Decodes a row starting with ``documentColumns``.
    static func document(_ row: PostgresRow) throws -> DocumentView {
        let (id, version, json) = try row.decode((String, Int64, String).self)
        return DocumentView(id: id, version: version, json: json)
    }
}
