import Contracts
import Foundation
import Wire

/// `/v1/comms/*`: the email channel, forwarded to CommsService over Wire (secret key only).
///
/// Each handler checks the request's shape, makes one `comms.*` call under the request's ``CallContext``
/// (its project comes from the key, never from the body) and renders the answer; what the service throws
/// maps through ``UpstreamError`` (e.g. `VALIDATION_FAILED` with `field`, `NOT_FOUND`, 503 when Comms is down).
struct CommsRoutes {
    /// CommsService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let comms: @Sendable () throws -> CommsContract.Client
    /// BillingService's client for the credit guard; nil when not configured (then nothing is metered).
    var billing: @Sendable () -> BillingContract.Client? = { nil }

    /// `?status=` of the message list.
    static let statusParameter = QueryParameter(
        name: "status", schema: ["type": "string", "enum": .array(MessageStatuses.all.map(JSONValue.string))])

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/comms/email", auth: .secretKey, tag: "comms",
              summary: "Send an email (queued; the answer comes after the outbox commit)",
              body: SendEmailBody.self, response: .init(status: 202, schema: CommsSchemas.accepted),
              idempotent: true, handler: sendEmail),
        Route(.get, "/v1/comms/messages/{id}", auth: .secretKey, tag: "comms", summary: "A message with its events",
              response: .init(status: 200, schema: CommsSchemas.message), handler: message),
        Route(.get, "/v1/comms/messages", auth: .secretKey, tag: "comms",
              summary: "List messages, newest first, optionally by ?status=",
              query: Pagination.parameters + [Self.statusParameter],
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.message)), handler: messages),
        Route(.post, "/v1/comms/templates", auth: .secretKey, tag: "comms",
              summary: "Create a template with {{variable}} placeholders",
              body: CreateTemplateBody.self, response: .init(status: 201, schema: CommsSchemas.template),
              idempotent: true, handler: createTemplate),
        Route(.get, "/v1/comms/templates", auth: .secretKey, tag: "comms", summary: "List templates, newest first",
              query: Pagination.parameters,
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.template)), handler: templates),
        Route(.get, "/v1/comms/suppressions", auth: .secretKey, tag: "comms",
              summary: "List suppressed addresses, newest first",
              query: Pagination.parameters,
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.suppression)), handler: suppressions),
        Route(.delete, "/v1/comms/suppressions/{email}", auth: .secretKey, tag: "comms",
              summary: "Let a suppressed address receive mail again",
              response: .init(status: 204, schema: nil), handler: deleteSuppression),
        Route(.get, "/v1/comms/settings", auth: .secretKey, tag: "comms",
              summary: "The project's email settings (never the relay password)",
              response: .init(status: 200, schema: CommsSchemas.settings), handler: settings),
        Route(.put, "/v1/comms/settings", auth: .secretKey, tag: "comms",
              summary: "Set the project's relay, default sender and unsubscribe URL (absent keeps, empty clears)",
              body: CommsSettingsBody.self, response: .init(status: 200, schema: CommsSchemas.settings),
              handler: updateSettings),
    ] }

    /// The credit guard first (``CreditGuard``: one unit per recipient, 402 before anything is enqueued),
    /// then the send with the reservation in it; a send Comms refuses gives the reservation back.
    @Sendable private func sendEmail(_ body: SendEmailBody, _ context: RequestContext) async throws -> RouteResponse {
        var send = body.request(idempotencyKey: context.request.headers["Idempotency-Key"])
        let comms = try comms()
        let guardrail = CreditGuard(billing: billing())
        send.reservationID = try await guardrail.reserve(meter: "email", units: send.to.count, context)
        let accepted = try await guardrail.settlingOnRefusal(send.reservationID, context) {
            try await upstream { try await comms.sendEmail(send, context.callContext) }
        }
        return .json(["id": .string(accepted.id), "status": .string(accepted.status)], status: 202)
    }

    @Sendable private func message(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = MessageIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.getMessage(id, context.callContext) }.json)
    }

    @Sendable private func messages(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let status = try context.query("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !MessageStatuses.all.contains(status) {
            throw RouterError.validation(
                "status", "status must be one of " + MessageStatuses.all.joined(separator: ", ") + ".")
        }
        let comms = try comms()
        let query = ListMessagesRequest(page: PageQuery(limit: limit, cursor: cursor), status: status)
        let page = try await upstream { try await comms.listMessages(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func createTemplate(_ body: CreateTemplateBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let create = CreateTemplateRequest(name: body.name, subject: body.subject, text: body.text, html: body.html)
        let template = try await upstream { try await comms.createTemplate(create, context.callContext) }
        return .json(template.json, status: 201)
    }

    @Sendable private func templates(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let comms = try comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await upstream { try await comms.listTemplates(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func suppressions(_ context: RequestContext) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(context)
        let comms = try comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await upstream { try await comms.listSuppressions(query, context.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private func deleteSuppression(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let suppression = SuppressionRequest(email: context.parameter("email"))
        try await upstream { try await comms.deleteSuppression(suppression, context.callContext) }
        return .noContent
    }

    @Sendable private func settings(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        return .json(try await upstream { try await comms.getSettings(context.callContext) }.json)
    }

    @Sendable private func updateSettings(_ body: CommsSettingsBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let update = UpdateCommsSettingsRequest(
            smtpURL: body.smtpURL, defaultFrom: body.defaultFrom, unsubscribeURL: body.unsubscribeURL)
        return .json(try await upstream { try await comms.updateSettings(update, context.callContext) }.json)
    }
}
