import Contracts
import ServiceKit

/// VaultService's data: the tenant catalog and each project's tenant schema (`collections`, `documents`).
/// Every method takes the project's schema from the catalog (``TenantCatalog``), so a query can only ever
/// reach the caller's own project; names and ids of other projects look absent.
///
/// The extensions group the methods: `+Collections`, `+Documents` (one document), `+List`, `+Bodies`
/// (reading request bodies with PostgreSQL's own JSON parser), `+Tenant` (the operator's view).
struct VaultStore: Sendable {
    /// The pool of the vault's own database (the catalog and the shared tier).
    let pool: PostgresPool
    /// The tenants.
    let tenants: TenantCatalog
    /// The pools of every location.
    let pools: TenantPools

    /// A store whose catalog is `catalog` (`vault`, or a test's own schema).
    init(pool: PostgresPool, catalog: String = VaultServiceMigrations.schema) {
        self.pool = pool
        self.tenants = TenantCatalog(pool: pool, catalog: catalog)
        self.pools = TenantPools(main: pool)
    }

    /// The catalog schema (its `json_merge_patch` function, also made in dedicated databases).
    var catalog: String { tenants.catalog }

    /// Where a tenant's tables are: the pool of its database and its schema.
    struct Location: Sendable {
        let pool: PostgresPool
        let schema: String
        let tenant: TenantCatalog.Tenant
    }

    /// The project's schema; `NOT_FOUND` (as for an unknown collection) when it has none yet.
    func schema(_ projectID: String) async throws -> String {
        try await location(projectID).schema
    }

    /// The project's location, for reads; `NOT_FOUND` when it has no vault yet. A read that started just before
    /// a move switched reads the old copy, which is final and kept for a while after the switch.
    func location(_ projectID: String) async throws -> Location {
        guard let tenant = try await tenants.tenant(projectID: projectID) else { throw Self.noCollection }
        return Location(pool: try pools.pool(for: tenant.databaseURL), schema: tenant.location, tenant: tenant)
    }

    /// Runs a write of `projectID`'s tables in a transaction at its current location. The write holds the tenant's
    /// lock shared (on the catalog's database, read again under it), so a move's switch (which takes it
    /// exclusively) waits for writes in flight and holds new ones until the catalog names the new location: no
    /// write ever lands in the old copy.
    func writing<T>(_ projectID: String, _ body: (PostgresTransaction, String) async throws -> T) async throws -> T {
        try await pool.withTransaction { main in
            _ = try await main.query("SELECT pg_advisory_xact_lock_shared(hashtext('vault.tenant'), hashtext($1))", [projectID])
            guard let tenant = try await tenants.tenant(projectID: projectID, in: main) else { throw Self.noCollection }
            guard let url = tenant.databaseURL else { return try await body(main, tenant.location) }
            return try await pools.pool(for: url).withTransaction { tx in try await body(tx, tenant.location) }
        }
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
