import Foundation
import ServiceKit

/// The admin project routes: create (returns the two keys, shown once), list, set the rate limit.
enum ProjectRoutes {
    private struct CreateBody: Decodable { let name: String }
    private struct PatchBody: Decodable {
        struct Limit: Decodable {
            let per_second: Int
            let burst: Int
        }
        let rate_limit: Limit
    }

    /// The routes.
    static let routes: [Route] = [
        Route(.post, "/v1/admin/projects", auth: .admin, tag: "projects",
              summary: "Create a project and its first publishable and secret keys (shown once)",
              request: Schemas.object([("name", Schemas.string)]),
              response: .init(status: 201, schema: Schemas.object([
                  ("project", Schemas.project), ("keys", ["type": "array", "items": Schemas.newKey])])),
              idempotent: true, handler: create),
        Route(.get, "/v1/admin/projects", auth: .admin, tag: "projects", summary: "List projects",
              response: .init(status: 200, schema: Schemas.list(Schemas.project)), handler: list),
        Route(.patch, "/v1/admin/projects/{id}", auth: .admin, tag: "projects", summary: "Set a project's rate limit",
              request: Schemas.object([("rate_limit", Schemas.object([
                  ("per_second", ["type": "integer", "minimum": 1]), ("burst", ["type": "integer", "minimum": 1])]))]),
              response: .init(status: 200, schema: Schemas.project), handler: patch),
    ]

    @Sendable private static func create(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(CreateBody.self)
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(name.count) else { throw RouterError.validation("name", "name must be 1 to 200 characters.") }
        let app = request.app
        let now = Date()
        let project = Project(
            id: "prj_" + APIKey.Base62.randomDigits(16) { SecureRandom.bytes($0) }, name: name, createdAt: now)
        let minted = [APIKey.generate(kind: .publishable, pepper: app.config.apiKeyPepper),
                      APIKey.generate(kind: .secret, pepper: app.config.apiKeyPepper)]
        let records = minted.map { $0.record(projectID: project.id, createdAt: now) }
        try await app.projects.create(project, keys: records)
        for record in records {
            app.registry.upsert(record)
            try? await app.keys.database.notify(channel: KeyStore.channel(schema: app.schema), payload: record.id)
        }
        let keys = JSONValue.array(minted.map { ["id": .string($0.id), "kind": .string($0.kind.rawValue), "key": .string($0.key)] })
        return .json(["project": project.json, "keys": keys], status: 201)
    }

    @Sendable private static func list(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let projects = try await request.app.projects.list(after: cursor, limit: limit + 1)
        return Pagination.page(projects.prefix(limit).map(\.json), next: projects.count > limit ? projects[limit - 1].id : nil)
    }

    @Sendable private static func patch(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(PatchBody.self)
        guard (1...1_000_000).contains(body.rate_limit.per_second) else {
            throw RouterError.validation("rate_limit.per_second", "per_second must be 1 to 1000000.")
        }
        guard (1...100_000).contains(body.rate_limit.burst) else {
            throw RouterError.validation("rate_limit.burst", "burst must be 1 to 100000.")
        }
        let app = request.app
        let limit = RateLimit(perSecond: Double(body.rate_limit.per_second), burst: body.rate_limit.burst)
        guard let project = try await app.projects.setRateLimit(id: request.parameter("id"), limit) else {
            throw RouterError.notFound
        }
        app.limits.set(project.rateLimit, for: project.id)
        try? await app.keys.database.notify(channel: KeyStore.projectChannel(schema: app.schema), payload: project.id)
        return .json(project.json)
    }
}
