import Foundation
import ServiceKit

/// `whoami` and the key routes of a project (secret key): list, create, rotate, revoke. A key id of another
/// project answers 404 as if absent.
struct KeyRoutes {
    /// The stored keys.
    let keys: KeyStore
    /// The keys, in memory.
    let registry: KeyRegistry
    /// The pepper new keys are hashed under.
    let pepper: APIKeyPepper

    /// The routes.
    var routes: [Route] {
        [
            Route(.get, "/v1/whoami", auth: .anyKey, tag: "keys", summary: "The project and key behind X-API-Key",
                  response: .init(status: 200, schema: Schemas.object([
                      ("project_id", Schemas.string), ("key_id", Schemas.string), ("kind", Schemas.string)]))) { context in
                let key = context.key!
                return .json(["project_id": .string(key.projectID), "key_id": .string(key.id), "kind": .string(key.kind.rawValue)])
            },
            Route(.get, "/v1/keys", auth: .secretKey, tag: "keys", summary: "List the project's keys (never the secrets)",
                  query: Pagination.parameters, response: .init(status: 200, schema: Schemas.list(Schemas.listedKey)),
                  handler: list),
            Route(.post, "/v1/keys", auth: .secretKey, tag: "keys", summary: "Create a key (shown once)",
                  body: CreateKeyBody.self, response: .init(status: 201, schema: Schemas.newKey), idempotent: true,
                  handler: create),
            Route(.post, "/v1/keys/{id}/rotate", auth: .secretKey, tag: "keys",
                  summary: "Replace a key; the old one keeps working for grace_seconds",
                  body: RotateKeyBody.self, response: .init(status: 201, schema: Schemas.newKey), idempotent: true,
                  handler: rotate),
            Route(.delete, "/v1/keys/{id}", auth: .secretKey, tag: "keys",
                  summary: "Revoke a key; every replica refuses it within a second",
                  response: .init(status: 204, schema: nil), handler: revoke),
        ]
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let keys = try await keys.list(projectID: context.key!.projectID, after: cursor, limit: limit + 1)
        return Pagination.page(keys.prefix(limit).map(\.json), next: keys.count > limit ? keys[limit - 1].record.id : nil)
    }

    @Sendable private func create(_ body: CreateKeyBody, _ context: RequestContext) async throws -> RouteResponse {
        let minted = APIKey.generate(kind: body.kind, pepper: pepper)
        let record = minted.record(projectID: context.key!.projectID, createdAt: Date())
        try await keys.insert(record)
        registry.upsert(record)
        return .json(["id": .string(minted.id), "kind": .string(minted.kind.rawValue), "key": .string(minted.key)], status: 201)
    }

    @Sendable private func rotate(_ body: RotateKeyBody, _ context: RequestContext) async throws -> RouteResponse {
        let grace = body.graceSeconds ?? RotateKeyBody.defaultGrace
        let now = Date()
        guard let old = try await keys.key(id: context.parameter("id")), old.projectID == context.key!.projectID,
            let rotation = KeyRotation(rotating: old, grace: TimeInterval(grace), now: now, pepper: pepper)
        else { throw RouterError.notFound }
        try await keys.save(rotation)
        registry.apply(rotation)
        return .json([
            "id": .string(rotation.replacement.id), "kind": .string(rotation.replacement.kind.rawValue),
            "key": .string(rotation.replacement.key), "replaces": .string(rotation.replaces),
            "old_expires_at": .date(rotation.oldExpiresAt),
        ], status: 201)
    }

    @Sendable private func revoke(_ context: RequestContext) async throws -> RouteResponse {
        let now = Date()
        let id = context.parameter("id")
        guard try await keys.revoke(id: id, projectID: context.key!.projectID, at: now) else {
            throw RouterError.notFound
        }
        registry.revoke(id: id, at: now)
        return .noContent
    }
}
