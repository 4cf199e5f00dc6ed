import Foundation
import ServiceKit

/// `whoami` and the key routes of a project (secret key): list, create, rotate, revoke. A key id of another
/// project answers 404 as if absent.
enum KeyRoutes {
    private struct CreateBody: Decodable { let kind: APIKey.Kind }
    private struct RotateBody: Decodable { let grace_seconds: Int? }

    /// The routes.
    static let routes: [Route] = [
        Route(.get, "/v1/whoami", auth: .anyKey, tag: "keys", summary: "The project and key behind X-API-Key",
              response: .init(status: 200, schema: Schemas.object([
                  ("project_id", Schemas.string), ("key_id", Schemas.string), ("kind", Schemas.string)]))) { request in
            let key = request.key!
            return .json(["project_id": .string(key.projectID), "key_id": .string(key.id), "kind": .string(key.kind.rawValue)])
        },
        Route(.get, "/v1/keys", auth: .secretKey, tag: "keys", summary: "List the project's keys (never the secrets)",
              response: .init(status: 200, schema: Schemas.list(Schemas.listedKey)), handler: list),
        Route(.post, "/v1/keys", auth: .secretKey, tag: "keys", summary: "Create a key (shown once)",
              request: Schemas.object([("kind", ["type": "string", "enum": ["publishable", "secret"]])]),
              response: .init(status: 201, schema: Schemas.newKey), idempotent: true, handler: create),
        Route(.post, "/v1/keys/{id}/rotate", auth: .secretKey, tag: "keys",
              summary: "Replace a key; the old one keeps working for grace_seconds",
              request: Schemas.object([("grace_seconds", ["type": "integer", "minimum": 0])], optional: ["grace_seconds"]),
              response: .init(status: 201, schema: Schemas.newKey), idempotent: true, handler: rotate),
        Route(.delete, "/v1/keys/{id}", auth: .secretKey, tag: "keys",
              summary: "Revoke a key; every replica refuses it within a second",
              response: .init(status: 204, schema: nil), handler: revoke),
    ]

    @Sendable private static func list(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let keys = try await request.app.keys.list(projectID: request.key!.projectID, after: cursor, limit: limit + 1)
        return Pagination.page(keys.prefix(limit).map(\.json), next: keys.count > limit ? keys[limit - 1].record.id : nil)
    }

    @Sendable private static func create(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(CreateBody.self)
        let app = request.app
        let minted = APIKey.generate(kind: body.kind, pepper: app.config.apiKeyPepper)
        let record = minted.record(projectID: request.key!.projectID, createdAt: Date())
        try await app.keys.insert(record)
        app.registry.upsert(record)
        return .json(["id": .string(minted.id), "kind": .string(minted.kind.rawValue), "key": .string(minted.key)], status: 201)
    }

    @Sendable private static func rotate(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(RotateBody.self)
        let grace = body.grace_seconds ?? 86_400
        guard grace >= 0 else { throw RouterError.validation("grace_seconds", "grace_seconds must not be negative.") }
        let app = request.app
        let now = Date()
        guard let old = try await app.keys.key(id: request.parameter("id")), old.projectID == request.key!.projectID,
            let rotation = KeyRotation(rotating: old, grace: TimeInterval(grace), now: now, pepper: app.config.apiKeyPepper)
        else { throw RouterError.notFound }
        try await app.keys.save(rotation)
        app.registry.apply(rotation)
        return .json([
            "id": .string(rotation.replacement.id), "kind": .string(rotation.replacement.kind.rawValue),
            "key": .string(rotation.replacement.key), "replaces": .string(rotation.replaces),
            "old_expires_at": .date(rotation.oldExpiresAt),
        ], status: 201)
    }

    @Sendable private static func revoke(_ request: RouteRequest) async throws -> RouteResponse {
        let app = request.app
        let now = Date()
        let id = request.parameter("id")
        guard try await app.keys.revoke(id: id, projectID: request.key!.projectID, at: now) else {
            throw RouterError.notFound
        }
        app.registry.revoke(id: id, at: now)
        return .noContent
    }
}
