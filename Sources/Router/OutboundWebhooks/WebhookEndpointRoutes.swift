import Contracts
import Foundation
import Wire

/// `/v1/webhooks/endpoints*`: a project's outbound webhook endpoints (secret key only), forwarded to
/// CommsService, which owns endpoints, events and the delivery outbox (`docs/webhooks.md`).
///
/// Creating and updating an endpoint also passes the project's `billing_email` from the Router's project
/// table, so Comms can email the project when the endpoint is disabled for failing.
struct WebhookEndpointRoutes {
    /// CommsService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let comms: @Sendable () throws -> CommsContract.Client
    /// The project table (for the billing email).
    let projects: ProjectStore

    /// `?status=` of the delivery list.
    static let statusParameter = QueryParameter(
        name: "status", schema: ["type": "string", "enum": .array(WebhookDeliveryStatus.allCases.map { .string($0.rawValue) })])

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/webhooks/endpoints", auth: .secretKey, tag: "webhooks",
              summary: "Add a webhook endpoint; its signing secret is shown once",
              body: CreateWebhookEndpointBody.self,
              response: .init(status: 201, schema: WebhookEndpointSchemas.endpointWithSecret), idempotent: true,
              handler: create),
        Route(.get, "/v1/webhooks/endpoints", auth: .secretKey, tag: "webhooks", summary: "List webhook endpoints, newest first",
              query: Pagination.parameters,
              response: .init(status: 200, schema: Schemas.list(WebhookEndpointSchemas.endpoint)), handler: list),
        Route(.get, "/v1/webhooks/endpoints/{id}", auth: .secretKey, tag: "webhooks", summary: "A webhook endpoint",
              response: .init(status: 200, schema: WebhookEndpointSchemas.endpoint), handler: get),
        Route(.patch, "/v1/webhooks/endpoints/{id}", auth: .secretKey, tag: "webhooks",
              summary: "Change an endpoint's url, events, status or description",
              body: UpdateWebhookEndpointBody.self, response: .init(status: 200, schema: WebhookEndpointSchemas.endpoint),
              handler: update),
        Route(.delete, "/v1/webhooks/endpoints/{id}", auth: .secretKey, tag: "webhooks",
              summary: "Remove an endpoint and its deliveries", response: .init(status: 204, schema: nil), handler: delete),
        Route(.post, "/v1/webhooks/endpoints/{id}/rotate", auth: .secretKey, tag: "webhooks",
              summary: "A new signing secret; the old one still signs beside it for 24 h",
              response: .init(status: 200, schema: WebhookEndpointSchemas.endpointWithSecret), handler: rotate),
        Route(.get, "/v1/webhooks/endpoints/{id}/deliveries", auth: .secretKey, tag: "webhooks",
              summary: "The endpoint's deliveries, newest first, optionally by ?status=",
              query: Pagination.parameters + [Self.statusParameter],
              response: .init(status: 200, schema: Schemas.list(WebhookEndpointSchemas.delivery)), handler: deliveries),
        Route(.post, "/v1/webhooks/endpoints/{id}/deliveries/{delivery_id}/replay", auth: .secretKey, tag: "webhooks",
              summary: "Send a delivery's event again (same webhook-id)",
              response: .init(status: 202, schema: WebhookEndpointSchemas.delivery), handler: replay),
        Route(.post, "/v1/webhooks/endpoints/{id}/test", auth: .secretKey, tag: "webhooks",
              summary: "Send a webhook.test event to this endpoint",
              response: .init(status: 202, schema: WebhookEndpointSchemas.delivery), handler: test),
    ] }

    @Sendable private func create(_ body: CreateWebhookEndpointBody, _ context: RequestContext) async throws -> RouteResponse {
        guard let events = body.events else { throw RouterError.validation("events", "events is required.") }
        let comms = try comms()
        let request = CreateWebhookEndpointRequest(
            url: body.url, events: events, description: body.description, alertEmail: try await billingEmail(context))
        return .json(try await upstream { try await comms.createWebhookEndpoint(request, context.callContext) }.json, status: 201)
    }

    @Sendable private func list(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let comms = try comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await upstream { try await comms.listWebhookEndpoints(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func get(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WebhookEndpointIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.getWebhookEndpoint(id, context.callContext) }.json)
    }

    @Sendable private func update(_ body: UpdateWebhookEndpointBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let request = UpdateWebhookEndpointRequest(
            id: context.parameter("id"), url: body.url, events: body.events, status: body.status,
            description: body.description, alertEmail: try await billingEmail(context))
        return .json(try await upstream { try await comms.updateWebhookEndpoint(request, context.callContext) }.json)
    }

    @Sendable private func delete(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WebhookEndpointIDRequest(id: context.parameter("id"))
        try await upstream { try await comms.deleteWebhookEndpoint(id, context.callContext) }
        return .noContent
    }

    @Sendable private func rotate(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WebhookEndpointIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.rotateWebhookSecret(id, context.callContext) }.json)
    }

    @Sendable private func deliveries(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let status = try context.query("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, WebhookDeliveryStatus(rawValue: status) == nil {
            throw RouterError.validation("status", "status must be pending, succeeded or failed.")
        }
        let comms = try comms()
        let query = ListWebhookDeliveriesRequest(
            endpointID: context.parameter("id"), status: status, page: PageQuery(limit: limit, cursor: cursor))
        let page = try await upstream { try await comms.listWebhookDeliveries(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func replay(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let request = WebhookDeliveryIDRequest(endpointID: context.parameter("id"), deliveryID: context.parameter("delivery_id"))
        return .json(try await upstream { try await comms.replayWebhookDelivery(request, context.callContext) }.json, status: 202)
    }

    @Sendable private func test(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WebhookEndpointIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.testWebhookEndpoint(id, context.callContext) }.json, status: 202)
    }

    /// The project's billing email, where the "endpoint disabled" email goes (nil when it has none).
    private func billingEmail(_ context: RequestContext) async throws -> String? {
        guard let projectID = context.key?.projectID else { return nil }
        return try await projects.project(id: projectID)?.billingEmail
    }
}
