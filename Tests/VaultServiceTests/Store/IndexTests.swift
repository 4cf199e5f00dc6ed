import Contracts
import Foundation
import ServiceKit
import Testing
@testable import VaultService

@Suite("Vault declared indexes", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct IndexTests {
    /// `count` documents: `status` one of ten, `total` a number, `email` unique.
    private static func seed(_ vault: VaultHarness, count: Int, in collection: String = "orders") async throws {
        for start in stride(from: 0, to: count, by: 500) {
            let batch = (start..<min(start + 500, count)).map {
                #"{"id":"o\#($0)","data":{"status":"s\#($0 % 10)","total":\#($0),"email":"u\#($0)@x.test","c":{"city":"c\#($0 % 7)"}}}"#
            }
            _ = try await vault.create("[" + batch.joined(separator: ",") + "]", in: collection)
        }
    }

    /// The plan PostgreSQL picks for the list `request` (sequential and bitmap scans off, as on a table too
    /// big for them where few rows match).
    private static func plan(_ vault: VaultHarness, _ request: ListDocumentsRequest) async throws -> String {
        let schema = try await vault.store.schema("prj_a")
        let statement = try ListQuery(request).statement(schema: schema, columns: VaultStore.documentColumns, onlyOwner: nil)
        return try await vault.pool.withTransaction { tx in
            try await tx.execute("SET LOCAL enable_seqscan = off")
            try await tx.execute("SET LOCAL enable_bitmapscan = off")
            return try await tx.query("EXPLAIN " + statement.sql, statement.parameters).map { try $0.decode(String.self, at: 0) }
                .joined(separator: "\n")
        }
    }

    @Test("indexes added to a collection with rows are built concurrently and the list's filters and orders use them")
    func explain() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("orders")
        try await vault.collection("other")
        try await Self.seed(vault, count: 3000)
        try await Self.seed(vault, count: 1000, in: "other")
        let declared = [
            CollectionIndex(fields: ["status", "created_at"]), CollectionIndex(fields: ["-total"]),
            CollectionIndex(fields: ["c.city"]), CollectionIndex(fields: ["email"], unique: true),
        ]
        let updated = try await vault.handlers.updateCollection(
            UpdateCollectionRequest(name: "orders", indexes: declared), caller: VaultHarness.secret())
        #expect(updated.indexes == declared)
        let names = declared.map { try! DeclaredIndex($0, field: "i").name(collection: "orders") }
        let schema = try await vault.store.schema("prj_a")
        let physical = try await vault.store.physicalIndexes(schema: schema, collection: "orders")
        #expect(physical == Dictionary(uniqueKeysWithValues: names.map { ($0, true) }))
        try await vault.pool.execute("ANALYZE \(schema).documents")

        // Equality on status, default order (created_at, id): the first index gives both, no sort.
        let byStatus = try await Self.plan(vault, ListDocumentsRequest(collection: "orders", filters: [.init(field: "status", expression: "eq.s3")], limit: 20))
        #expect(byStatus.contains(names[0]) && !byStatus.contains("Sort"), "\(byStatus)")
        // Descending total, with and without a range.
        let byTotal = try await Self.plan(vault, ListDocumentsRequest(collection: "orders", order: "total.desc", limit: 20))
        #expect(byTotal.contains(names[1]) && !byTotal.contains("Sort"), "\(byTotal)")
        let range = try await Self.plan(vault, ListDocumentsRequest(collection: "orders", filters: [.init(field: "total", expression: "gte.2990")], order: "total.desc"))
        #expect(range.contains("Index Cond") && range.contains(names[1]) && !range.contains("Sort"), "\(range)")
        // Nested fields, in.(…), is.null and the unique index.
        let nested = try await Self.plan(vault, ListDocumentsRequest(collection: "orders", filters: [.init(field: "c.city", expression: "in.(c1,c2)")]))
        #expect(nested.contains(names[2]), "\(nested)")
        let email = try await Self.plan(vault, ListDocumentsRequest(collection: "orders", filters: [.init(field: "email", expression: "eq.u7@x.test")]))
        #expect(email.contains(names[3]), "\(email)")
        // And the answers are the same as without indexes.
        let page = try await vault.list([("status", "eq.s3"), ("total", "lt.100")], in: "orders", order: "total.desc", count: true)
        #expect(page.total == 10 && page.data.first?.id == "o93")
        #expect(try await vault.list([("email", "eq.u7@x.test")], in: "orders").data.map(\.id) == ["o7"])
        #expect(try await vault.list([("c.city", "is.null")], in: "orders", count: true).total == 0)
        try await vault.drop()
    }

    @Test("a unique index refuses a second value (409 on data) and cannot be built over duplicates (409, nothing left behind)")
    func unique() async throws {
        let vault = try await VaultHarness()
        try await vault.handlers.createCollection(
            CreateCollectionRequest(name: "users", indexes: [CollectionIndex(fields: ["email"], unique: true)]), caller: VaultHarness.secret())
        _ = try await vault.create(#"{"id":"a","data":{"email":"a@x.test"}}"#, in: "users")
        let duplicate = await publicError { try await vault.create(#"[{"id":"b","data":{}},{"id":"c","data":{"email":"a@x.test"}}]"#, in: "users") }
        #expect(duplicate?.code == .conflict && duplicate?.field == "data")
        #expect(try await vault.list(in: "users", count: true).total == 1)  // the batch left nothing
        let put = await publicError { try await vault.write(.replace, "d", #"{"data":{"email":"a@x.test"}}"#, in: "users") }
        #expect(put?.code == .conflict)

        try await vault.collection("people")
        _ = try await vault.create(#"[{"id":"a","data":{"email":"same"}},{"id":"b","data":{"email":"same"}}]"#, in: "people")
        let refused = await publicError {
            try await vault.handlers.updateCollection(
                UpdateCollectionRequest(name: "people", indexes: [CollectionIndex(fields: ["email"], unique: true)]), caller: VaultHarness.secret())
        }
        #expect(refused?.code == .conflict && refused?.field == "indexes.0")
        let schema = try await vault.store.schema("prj_a")
        #expect(try await vault.store.physicalIndexes(schema: schema, collection: "people").isEmpty)
        #expect(try await vault.store.collection(projectID: "prj_a", name: "people").indexes.isEmpty)
        try await vault.drop()
    }

    @Test("an INVALID index left by a failed build is dropped and built again")
    func invalidLeftover() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("people")
        _ = try await vault.create(#"[{"id":"a","data":{"email":"same"}},{"id":"b","data":{"email":"same"}}]"#, in: "people")
        let schema = try await vault.store.schema("prj_a")
        let index = try DeclaredIndex(CollectionIndex(fields: ["email"], unique: true), field: "indexes.0")
        // A build that failed half-way, as a crash would leave it.
        let (format, arguments) = index.createFormat(schema: schema, collection: "people")
        let statement = try await vault.pool.query(
            "SELECT format($1, VARIADIC $2::text[])", [format, FilterSQL.arrayLiteral(arguments)])[0].decode(String.self, at: 0)
        await #expect(throws: PostgresError.self) { try await vault.pool.execute(statement) }
        #expect(try await vault.store.physicalIndexes(schema: schema, collection: "people") == [index.name(collection: "people"): false])
        try await vault.store.delete(DocumentRequest(collection: "people", id: "b"), caller: VaultHarness.secret())
        _ = try await vault.handlers.updateCollection(
            UpdateCollectionRequest(name: "people", indexes: [index.declaration]), caller: VaultHarness.secret())
        #expect(try await vault.store.physicalIndexes(schema: schema, collection: "people") == [index.name(collection: "people"): true])
        // Removing the declaration drops it; deleting the collection drops the rest.
        _ = try await vault.handlers.updateCollection(
            UpdateCollectionRequest(name: "people", indexes: [CollectionIndex(fields: ["-updated_at", "id"])]), caller: VaultHarness.secret())
        let after = try await vault.store.physicalIndexes(schema: schema, collection: "people")
        #expect(after.count == 1 && after[index.name(collection: "people")] == nil)
        try await vault.handlers.deleteCollection("people", caller: VaultHarness.secret())
        #expect(try await vault.store.physicalIndexes(schema: schema, collection: "people").isEmpty)
        try await vault.drop()
    }

    @Test("declarations are checked: fields, duplicates, and the per-collection limit")
    func invalidDeclarations() async throws {
        let vault = try await VaultHarness()
        let handlers = VaultHandlers(store: vault.store, quotas: VaultQuotas(maxCollections: 2, maxIndexesPerCollection: 2))
        func create(_ name: String, _ indexes: [CollectionIndex]) async -> PublicError? {
            await publicError { try await handlers.createCollection(CreateCollectionRequest(name: name, indexes: indexes), caller: VaultHarness.secret()) }
        }
        #expect(await create("a", [CollectionIndex(fields: ["a..b"])])?.field == "indexes.0.fields.0")
        #expect(await create("a", [CollectionIndex(fields: [])])?.field == "indexes.0.fields")
        #expect(await create("a", [CollectionIndex(fields: ["a", "b", "c", "d", "e", "f"])])?.field == "indexes.0.fields")
        #expect(await create("a", [CollectionIndex(fields: ["x", "-x"])])?.field == "indexes.0.fields.1")
        #expect(await create("a", [CollectionIndex(fields: ["x"]), CollectionIndex(fields: ["x"])])?.field == "indexes.1")
        #expect(await create("a", [CollectionIndex(fields: ["x"]), CollectionIndex(fields: ["y"]), CollectionIndex(fields: ["z"])])?.code == .planLimitReached)
        // Quotes, dots and SQL in a field are only names.
        let odd = CollectionIndex(fields: [#"we'ird"); DROP TABLE x; --.\"q\""#])
        #expect(await create("a", [odd]) == nil)
        _ = try await vault.create(#"{"id":"q","data":{"we'ird\"); DROP TABLE x; --":{"\\\"q\\\"":1}}}"#, in: "a")
        #expect(try await vault.list([(odd.fields[0], "eq.1")], in: "a").data.map(\.id) == ["q"])
        // Collections per project.
        #expect(await create("b", []) == nil)
        #expect(await create("c", [])?.code == .planLimitReached)
        #expect(try await vault.store.collections(projectID: "prj_a").map(\.name) == ["a", "b"])
        try await vault.drop()
    }
}
