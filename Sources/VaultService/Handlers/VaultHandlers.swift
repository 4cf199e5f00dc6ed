import Contracts
import ServiceKit
import Wire

/// Serves every method of ``VaultContract`` over Wire. Each call acts for its ``Caller`` (the project of
/// `CallContext.projectID`, the key kind and the verified end user); collections need the secret key,
/// documents follow their collection's rules.
struct VaultHandlers: Sendable {
    /// The tables.
    let store: VaultStore
    /// The per-project bounds.
    var quotas = VaultQuotas.standard
    /// The tenant-schema migrations (their status).
    var migrations: TenantMigrationFanOut?
    /// Moves between tiers.
    var mover: TenantMover?

    /// Registers every vault method on `server`.
    func register(on server: WireServer) {
        server.register(VaultContract.createCollection) { request, context in
            try await createCollection(request, caller: try Caller(context))
        }
        server.register(VaultContract.listCollections) { _, context in
            let caller = try Caller(context)
            try caller.requireSecret()
            return Page(data: try await store.collections(projectID: caller.projectID), nextCursor: nil)
        }
        server.register(VaultContract.getCollection) { request, context in
            try await getCollection(request.name, caller: try Caller(context))
        }
        server.register(VaultContract.updateCollection) { request, context in
            try await updateCollection(request, caller: try Caller(context))
        }
        server.register(VaultContract.deleteCollection) { request, context in
            try await deleteCollection(request.name, caller: try Caller(context))
            return Empty()
        }
        registerDocuments(on: server)
        registerLifecycle(on: server)
        registerBackups(on: server)
        server.register(VaultContract.tenant) { request, _ in
            try await store.tenantView(projectID: request.projectID)
        }
        server.register(VaultContract.move) { request, _ in
            let mover = self.mover ?? TenantMover(store: store)
            _ = try await mover.start(projectID: request.projectID, tier: request.tier, databaseURL: request.databaseURL)
            Task { await mover.run(projectID: request.projectID) }
            return try await store.tenantView(projectID: request.projectID)
        }
        server.register(VaultContract.migrations) { _, _ in
            try await (migrations ?? TenantMigrationFanOut(pool: store.pool, catalog: store.catalog)).status()
        }
    }

    /// `vault.CreateCollection`: the collection, then its declared indexes (built concurrently; when one
    /// cannot be built the new collection is removed again and the error answered).
    func createCollection(_ request: CreateCollectionRequest, caller: Caller) async throws -> CollectionView {
        try caller.requireSecret()
        guard VaultLimits.isCollectionName(request.name) else {
            throw PublicError.validation("name", "name must match \(VaultLimits.collectionNamePattern).")
        }
        let declarations = request.indexes ?? []
        let indexes = try DeclaredIndex.checked(declarations, limit: quotas.maxIndexesPerCollection)
        guard let created = try await store.createCollection(
            projectID: caller.projectID, name: request.name, rules: request.rules ?? CollectionRules(),
            indexes: indexes.map(\.declaration), maxCollections: quotas.maxCollections)
        else { throw PublicError.conflict("A collection with this name already exists.", field: "name") }
        guard !indexes.isEmpty else { return created }
        let location = try await store.location(caller.projectID)
        do {
            try await store.buildIndexes(indexes, schema: location.schema, collection: request.name, in: location.pool)
        } catch {
            try? await store.deleteCollection(projectID: caller.projectID, name: request.name)
            throw error
        }
        return created
    }

    /// `vault.GetCollection`.
    func getCollection(_ name: String, caller: Caller) async throws -> CollectionView {
        try caller.requireSecret()
        return try await store.collection(projectID: caller.projectID, name: name)
    }

    /// `vault.DeleteCollection`.
    func deleteCollection(_ name: String, caller: Caller) async throws {
        try caller.requireSecret()
        try await store.deleteCollection(projectID: caller.projectID, name: name)
    }

    /// `vault.UpdateCollection`: new rules; new indexes are built first (concurrently, writes go on), then
    /// recorded, then the ones no longer declared are dropped.
    func updateCollection(_ request: UpdateCollectionRequest, caller: Caller) async throws -> CollectionView {
        try caller.requireSecret()
        if let declarations = request.indexes {
            let indexes = try DeclaredIndex.checked(declarations, limit: quotas.maxIndexesPerCollection)
            let location = try await store.location(caller.projectID)
            guard location.tenant.moveState != "copying" else {
                throw PublicError.conflict("The project's vault is being moved; change its indexes after the move.", field: "indexes")
            }
            _ = try await store.collection(projectID: caller.projectID, name: request.name)
            try await store.buildIndexes(indexes, schema: location.schema, collection: request.name, in: location.pool)
            try await store.setIndexes(projectID: caller.projectID, name: request.name, indexes: indexes.map(\.declaration))
            try await store.dropIndexes(
                schema: location.schema, collection: request.name, keeping: Set(indexes.map { $0.name(collection: request.name) }),
                in: location.pool)
        }
        if let change = request.rules {
            try await store.updateRules(projectID: caller.projectID, name: request.name, change: change)
        }
        return try await store.collection(projectID: caller.projectID, name: request.name)
    }
}
