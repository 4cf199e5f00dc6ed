import Contracts
import ServiceKit
import Wire

/// Serves every method of ``VaultContract`` over Wire. Each call acts for its ``Caller`` (the project of
/// `CallContext.projectID`, the key kind and the verified end user); collections need the secret key,
/// documents follow their collection's rules.
struct VaultHandlers: Sendable {
    /// The tables.
    let store: VaultStore

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
        server.register(VaultContract.tenant) { request, _ in
            try await store.tenantView(projectID: request.projectID)
        }
    }

    /// `vault.CreateCollection`.
    func createCollection(_ request: CreateCollectionRequest, caller: Caller) async throws -> CollectionView {
        try caller.requireSecret()
        try Self.check(name: request.name, indexes: request.indexes)
        guard let created = try await store.createCollection(
            projectID: caller.projectID, name: request.name, rules: request.rules ?? CollectionRules())
        else { throw PublicError.conflict("A collection with this name already exists.", field: "name") }
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

    /// `vault.UpdateCollection`.
    func updateCollection(_ request: UpdateCollectionRequest, caller: Caller) async throws -> CollectionView {
        try caller.requireSecret()
        try Self.check(name: nil, indexes: request.indexes)
        if let change = request.rules {
            try await store.updateRules(projectID: caller.projectID, name: request.name, change: change)
        }
        return try await store.collection(projectID: caller.projectID, name: request.name)
    }

    /// The name's pattern; declared indexes are not built yet, so any is refused (400, field `indexes`).
    static func check(name: String?, indexes: [CollectionIndex]?) throws(PublicError) {
        if let name, !VaultLimits.isCollectionName(name) {
            throw PublicError.validation("name", "name must match \(VaultLimits.collectionNamePattern).")
        }
        if let indexes, !indexes.isEmpty {
            throw PublicError.validation("indexes", "Declared indexes are not supported yet; send none.")
        }
    }
}
