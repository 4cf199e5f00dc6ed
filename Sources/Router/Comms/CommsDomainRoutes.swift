import Contracts
import Foundation
import Wire

/// `/v1/comms/domains*`: a project's sender domains (secret key only), forwarded to CommsService.
///
/// Adding a domain answers the DNS records to publish (SPF, DKIM, DMARC); `verify` looks them up; only
/// addresses of verified domains (or the platform's sender) may be a `from` or `default_from`.
struct CommsDomainRoutes {
    /// CommsService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let comms: @Sendable () throws -> CommsContract.Client

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/comms/domains", auth: .secretKey, tag: "comms",
              summary: "Add a sender domain; answers the DNS records to publish",
              body: CreateDomainBody.self, response: .init(status: 201, schema: CommsDomainSchemas.domain),
              idempotent: true, handler: create),
        Route(.get, "/v1/comms/domains", auth: .secretKey, tag: "comms", summary: "List sender domains, newest first",
              query: Pagination.parameters,
              response: .init(status: 200, schema: Schemas.list(CommsDomainSchemas.domain)), handler: list),
        Route(.get, "/v1/comms/domains/{id}", auth: .secretKey, tag: "comms", summary: "A sender domain",
              response: .init(status: 200, schema: CommsDomainSchemas.domain), handler: get),
        Route(.post, "/v1/comms/domains/{id}/verify", auth: .secretKey, tag: "comms",
              summary: "Look the domain's records up in DNS and answer its status",
              response: .init(status: 200, schema: CommsDomainSchemas.domain), handler: verify),
        Route(.delete, "/v1/comms/domains/{id}", auth: .secretKey, tag: "comms",
              summary: "Remove a sender domain and its DKIM key",
              response: .init(status: 204, schema: nil), handler: delete),
    ] }

    @Sendable private func create(_ body: CreateDomainBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let request = CreateDomainRequest(name: body.name)
        return .json(try await upstream { try await comms.createDomain(request, context.callContext) }.json, status: 201)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let comms = try comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await upstream { try await comms.listDomains(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func get(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = DomainIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.getDomain(id, context.callContext) }.json)
    }

    @Sendable private func verify(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = DomainIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.verifyDomain(id, context.callContext) }.json)
    }

    @Sendable private func delete(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = DomainIDRequest(id: context.parameter("id"))
        try await upstream { try await comms.deleteDomain(id, context.callContext) }
        return .noContent
    }
}
