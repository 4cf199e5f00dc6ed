import Contracts
import Foundation
import ServiceKit
import Wire

/// The admin project routes: create (returns the two keys, shown once), list, set the rate limits and billing email.
struct ProjectRoutes {
    /// Projects.
    let projects: ProjectStore
    /// Keys (a new project's are written with it; changes are announced on its channels).
    let keys: KeyStore
    /// The keys, in memory.
    let registry: KeyRegistry
    /// The budgets, in memory.
    let limits: ProjectLimits
    /// The pepper new keys are hashed under.
    let pepper: APIKeyPepper
    /// BillingService's client, or nil when it is not configured (then a project without a plan starts its
    /// trial when Billing first sees it, and a `plan` is 503).
    var billing: @Sendable () -> BillingContract.Client? = { nil }

    /// The routes.
    var routes: [Route] {
        [
            Route(.post, "/v1/admin/projects", auth: .admin, tag: "projects",
                  summary: "Create a project and its first publishable and secret keys (shown once)",
                  body: CreateProjectBody.self,
                  response: .init(status: 201, schema: Schemas.object([
                      ("project", Schemas.project), ("keys", ["type": "array", "items": Schemas.newKey])])),
                  idempotent: true, handler: create),
            Route(.get, "/v1/admin/projects", auth: .admin, tag: "projects", summary: "List projects",
                  query: Pagination.parameters, response: .init(status: 200, schema: Schemas.list(Schemas.project)),
                  handler: list),
            Route(.patch, "/v1/admin/projects/{id}", auth: .admin, tag: "projects", summary: "Set a project's rate limits and billing email",
                  body: PatchProjectBody.self, response: .init(status: 200, schema: Schemas.project), handler: patch),
        ]
    }

    @Sendable private func create(_ body: CreateProjectBody, _ context: RequestContext) async throws -> RouteResponse {
        let now = Date()
        let project = Project(
            id: "prj_" + APIKey.Base62.randomDigits(16) { SecureRandom.bytes($0) }, name: body.name, createdAt: now)
        let minted = [APIKey.generate(kind: .publishable, pepper: pepper), APIKey.generate(kind: .secret, pepper: pepper)]
        let records = minted.map { $0.record(projectID: project.id, createdAt: now) }
        try await setUpBilling(SetUpAccountRequest(projectID: project.id, plan: body.plan), context, required: body.plan != nil)
        try await projects.create(project, keys: records)
        for record in records {
            registry.upsert(record)
            try? await keys.database.notify(channel: KeyStore.channel(schema: keys.schema), payload: record.id)
        }
        let keys = JSONValue.array(minted.map { ["id": .string($0.id), "kind": .string($0.kind.rawValue), "key": .string($0.key)] })
        return .json(["project": project.json, "keys": keys], status: 201)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let projects = try await projects.list(after: cursor, limit: limit + 1)
        return Pagination.page(projects.prefix(limit).map(\.json), next: projects.count > limit ? projects[limit - 1].id : nil)
    }

    /// Opens (or updates) the project's billing account before the Router writes anything: a bad plan is
    /// 400 with nothing written, Billing unreachable is 503. `required: false` (a new project without a plan,
    /// a billing email with no Billing configured): without Billing the trial starts at Billing's first touch.
    private func setUpBilling(_ request: SetUpAccountRequest, _ context: RequestContext, required: Bool) async throws {
        guard let billing = billing() else {
            if required { throw RouterError.serviceUnavailable }
            return
        }
        do {
            _ = try await billing.call(BillingContract.setUpAccount, request, context.callContext)
        } catch {
            if required || request.billingEmail != nil || PublicError.from(error) != nil {
                throw UpstreamError.routerError(error)
            }
        }
    }

    @Sendable private func patch(_ body: PatchProjectBody, _ context: RequestContext) async throws -> RouteResponse {
        if body.billingEmail != nil || body.metering != nil {
            guard try await projects.project(id: context.parameter("id")) != nil else { throw RouterError.notFound }
            let request = SetUpAccountRequest(
                projectID: context.parameter("id"), billingEmail: body.billingEmail, metering: body.metering)
            try await setUpBilling(request, context, required: body.metering != nil)
        }
        let changes = ProjectStore.Changes(
            rateLimit: body.rateLimit?.limit, publishableRateLimit: body.publishableRateLimit?.limit,
            billingEmail: body.billingEmail)
        guard let project = try await projects.update(id: context.parameter("id"), changes) else {
            throw RouterError.notFound
        }
        limits.set(project)
        try? await keys.database.notify(channel: KeyStore.projectChannel(schema: keys.schema), payload: project.id)
        return .json(project.json)
    }
}
