import Contracts
import Foundation
import Wire

/// `/v1/vault/collections` (secret key) and the operator's `GET /v1/admin/projects/{id}/vault`, forwarded
/// to VaultService over Wire. The documents are ``VaultDocumentRoutes``.
struct VaultRoutes {
    /// VaultService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let vault: @Sendable () throws -> VaultContract.Client

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/vault/collections", auth: .secretKey, tag: "vault", summary: "Create a collection",
              body: CreateCollectionBody.self, response: .init(status: 201, schema: VaultSchemas.collection),
              idempotent: true, handler: create),
        Route(.get, "/v1/vault/collections", auth: .secretKey, tag: "vault", summary: "List the collections, by name",
              response: .init(status: 200, schema: Schemas.list(VaultSchemas.collection)), handler: list),
        Route(.get, "/v1/vault/collections/{name}", auth: .secretKey, tag: "vault", summary: "A collection",
              response: .init(status: 200, schema: VaultSchemas.collection), handler: get),
        Route(.patch, "/v1/vault/collections/{name}", auth: .secretKey, tag: "vault",
              summary: "Change a collection's rules or indexes (absent members keep theirs; new indexes are built without blocking writes)",
              body: UpdateCollectionBody.self, response: .init(status: 200, schema: VaultSchemas.collection),
              handler: update),
        Route(.delete, "/v1/vault/collections/{name}", auth: .secretKey, tag: "vault",
              summary: "Delete a collection and its documents", response: .init(status: 204, schema: nil),
              handler: delete),
        Route(.get, "/v1/admin/projects/{id}/vault", auth: .admin, tag: "admin",
              summary: "Where a project's vault lives and its size", response: .init(status: 200, schema: VaultSchemas.tenant),
              handler: tenant),
        Route(.post, "/v1/admin/projects/{id}/vault/move", auth: .admin, tag: "admin",
              summary: "Move a project's vault online to the other tier (its own database, or back to the shared one)",
              body: MoveTenantBody.self, response: .init(status: 202, schema: VaultSchemas.tenant), handler: move),
        Route(.get, "/v1/admin/vault/migrations", auth: .admin, tag: "admin",
              summary: "The tenant-schema migrations over every tenant: applied, pending, failed",
              response: .init(status: 200, schema: VaultSchemas.migrations), handler: migrations),
    ] }

    @Sendable private func create(_ body: CreateCollectionBody, _ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = CreateCollectionRequest(
            name: body.name, rules: body.rules?.change.applied(to: CollectionRules()), indexes: body.indexes)
        let collection = try await upstream { try await vault.call(VaultContract.createCollection, request, context.callContext) }
        return .json(collection.json, status: 201)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let page = try await upstream { try await vault.call(VaultContract.listCollections, Empty(), context.callContext) }
        return Pagination.page(page.data.map(\.json), next: nil)
    }

    @Sendable private func get(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let name = CollectionNameRequest(name: context.parameter("name"))
        return .json(try await upstream { try await vault.call(VaultContract.getCollection, name, context.callContext) }.json)
    }

    @Sendable private func update(_ body: UpdateCollectionBody, _ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = UpdateCollectionRequest(name: context.parameter("name"), rules: body.rules?.change, indexes: body.indexes)
        return .json(try await upstream { try await vault.call(VaultContract.updateCollection, request, context.callContext) }.json)
    }

    @Sendable private func delete(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let name = CollectionNameRequest(name: context.parameter("name"))
        _ = try await upstream { try await vault.call(VaultContract.deleteCollection, name, context.callContext) }
        return .noContent
    }

    @Sendable private func tenant(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = TenantRequest(projectID: context.parameter("id"))
        return .json(try await upstream { try await vault.call(VaultContract.tenant, request, context.callContext) }.json)
    }

    @Sendable private func migrations(_ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        return .json(try await upstream { try await vault.call(VaultContract.migrations, Empty(), context.callContext) }.json)
    }

    @Sendable private func move(_ body: MoveTenantBody, _ context: RequestContext) async throws -> RouteResponse {
        let vault = try vault()
        let request = MoveTenantRequest(projectID: context.parameter("id"), tier: body.tier, databaseURL: body.databaseURL)
        return .json(try await upstream { try await vault.call(VaultContract.move, request, context.callContext) }.json, status: 202)
    }
}
