import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import VaultService

/// One VaultService for a test, without Wire: its own catalog schema (migrated; tenant schemas are named
/// after it), a pool and the handlers. ``drop()`` removes the catalog and every tenant schema it made.
final class VaultHarness: Sendable {
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let disabledReason: Comment = "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"

    let pool: PostgresPool
    let catalog: String
    let store: VaultStore
    let handlers: VaultHandlers

    init() async throws {
        catalog = "vt_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        var configuration = try PostgresConfiguration(url: Self.databaseURL ?? "")
        configuration.maxConnections = 8
        configuration.plansEveryExecution = true  // as vault-service runs (main.swift)
        pool = PostgresPool(configuration: configuration)
        try await Migrator(schema: catalog, migrations: VaultServiceMigrations.steps(schema: catalog)).migrate(on: pool)
        store = VaultStore(pool: pool, catalog: catalog)
        handlers = VaultHandlers(store: store)
    }

    /// The secret key of `project`.
    static func secret(_ project: String = "prj_a") -> Caller { Caller(projectID: project, isSecret: true, subject: nil) }
    /// A publishable key of `project`, signed in as `user` when given.
    static func publishable(_ project: String = "prj_a", user: String? = nil) -> Caller {
        Caller(projectID: project, isSecret: false, subject: user)
    }

    /// Creates collection `name` in `project` with `rules`.
    @discardableResult
    func collection(_ name: String, project: String = "prj_a", rules: CollectionRules = CollectionRules()) async throws -> CollectionView {
        try await handlers.createCollection(CreateCollectionRequest(name: name, rules: rules), caller: Self.secret(project))
    }

    /// Creates documents from `body` in `collection` as `caller`.
    func create(_ body: String, in collection: String = "items", as caller: Caller = VaultHarness.secret()) async throws -> [DocumentView] {
        let (documents, batch) = try await store.createBody(body)
        return try await store.insert(documents, batch: batch, collection: collection, caller: caller)
    }

    /// Lists `collection` with `query` (`field=expression` pairs) as `caller`.
    func list(
        _ filters: [(String, String)] = [], in collection: String = "items", order: String? = nil, limit: Int = 50,
        cursor: String? = nil, count: Bool = false, as caller: Caller = VaultHarness.secret()
    ) async throws -> DocumentPage {
        try await store.list(ListDocumentsRequest(
            collection: collection, filters: filters.map { DocumentFilter(field: $0.0, expression: $0.1) }, order: order,
            limit: limit, cursor: cursor, countExact: count), caller: caller)
    }

    /// Writes document `id` of `collection`.
    func write(
        _ mode: WriteMode, _ id: String, _ body: String, in collection: String = "items", ifMatch: Int64? = nil,
        as caller: Caller = VaultHarness.secret()
    ) async throws -> WrittenDocument {
        let request = WriteDocumentRequest(
            document: DocumentRequest(collection: collection, id: id, ifMatch: ifMatch), mode: mode, body: body)
        return try await store.write(request, data: try await store.writeBody(body), caller: caller)
    }

    /// Makes `owner` the owner of document `id` of `collection` in `project` (as if they had created it).
    func setOwner(_ id: String, _ owner: String, in collection: String = "items", project: String = "prj_a") async throws {
        let schema = try await store.schema(project)
        try await pool.execute(
            "UPDATE \(schema).documents SET owner_id = $1 WHERE collection = $2 AND id = $3", [owner, collection, id])
    }

    /// The `data` of a document view, parsed.
    static func data(_ document: DocumentView) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(document.json.utf8)) as? [String: Any]
        return try #require(object?["data"] as? [String: Any])
    }

    /// The ids of a page.
    static func ids(_ page: DocumentPage) -> [String] { page.data.map(\.id) }

    /// Drops the catalog and its tenants, then closes the pool.
    func drop() async throws {
        let rows = try await pool.query("SELECT location FROM \(catalog).tenants", [])
        for row in rows { try await pool.execute("DROP SCHEMA \(try row.decode(String.self, at: 0)) CASCADE") }
        try await pool.execute("DROP SCHEMA \(catalog) CASCADE")
        await pool.close()
    }
}

/// The public error `body` throws, or nil.
func publicError(_ body: () async throws -> some Any) async -> PublicError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return PublicError.from(error)
    }
}
