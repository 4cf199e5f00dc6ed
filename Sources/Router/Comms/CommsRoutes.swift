import Contracts
import Foundation
import Wire

/// `/v1/comms/*`: the email channel, forwarded to CommsService over Wire (secret key only).
///
/// Each handler checks the request's shape, makes one `comms.*` call under the request's ``CallContext``
/// (its project comes from the key, never from the body) and renders the answer; what the service throws
/// maps through ``UpstreamError`` (e.g. `VALIDATION_FAILED` with `field`, `NOT_FOUND`, 503 when Comms is down).
enum CommsRoutes {
    /// The routes.
    static let routes: [Route] = [
        Route(.post, "/v1/comms/email", auth: .secretKey, tag: "comms",
              summary: "Send an email (queued; the answer comes after the outbox commit)",
              request: CommsSchemas.sendEmail, response: .init(status: 202, schema: CommsSchemas.accepted),
              idempotent: true, handler: sendEmail),
        Route(.get, "/v1/comms/messages/{id}", auth: .secretKey, tag: "comms", summary: "A message with its events",
              response: .init(status: 200, schema: CommsSchemas.message), handler: message),
        Route(.get, "/v1/comms/messages", auth: .secretKey, tag: "comms",
              summary: "List messages, newest first, optionally by ?status=",
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.message)), handler: messages),
        Route(.post, "/v1/comms/templates", auth: .secretKey, tag: "comms",
              summary: "Create a template with {{variable}} placeholders",
              request: CommsSchemas.createTemplate, response: .init(status: 201, schema: CommsSchemas.template),
              idempotent: true, handler: createTemplate),
        Route(.get, "/v1/comms/templates", auth: .secretKey, tag: "comms", summary: "List templates, newest first",
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.template)), handler: templates),
        Route(.get, "/v1/comms/suppressions", auth: .secretKey, tag: "comms",
              summary: "List suppressed addresses, newest first",
              response: .init(status: 200, schema: Schemas.list(CommsSchemas.suppression)), handler: suppressions),
        Route(.delete, "/v1/comms/suppressions/{email}", auth: .secretKey, tag: "comms",
              summary: "Let a suppressed address receive mail again",
              response: .init(status: 204, schema: nil), handler: deleteSuppression),
        Route(.get, "/v1/comms/settings", auth: .secretKey, tag: "comms",
              summary: "The project's email settings (never the relay password)",
              response: .init(status: 200, schema: CommsSchemas.settings), handler: settings),
        Route(.put, "/v1/comms/settings", auth: .secretKey, tag: "comms",
              summary: "Set the project's relay, default sender and unsubscribe URL (absent keeps, empty clears)",
              request: CommsSchemas.updateSettings, response: .init(status: 200, schema: CommsSchemas.settings),
              handler: updateSettings),
    ]

    private struct TemplateBody: Decodable {
        let name: String
        let subject: String
        let text: String?
        let html: String?
    }

    private struct SettingsBody: Decodable {
        let smtp_url: String?
        let default_from: String?
        let unsubscribe_url: String?
    }

    @Sendable private static func sendEmail(_ request: RouteRequest) async throws -> RouteResponse {
        let send = try CommsEmailBody.request(
            from: try request.decode(JSONValue.self), idempotencyKey: request.http.headers["Idempotency-Key"])
        let comms = try request.comms()
        let accepted = try await request.upstream { try await comms.sendEmail(send, request.callContext) }
        return .json(["id": .string(accepted.id), "status": .string(accepted.status)], status: 202)
    }

    @Sendable private static func message(_ request: RouteRequest) async throws -> RouteResponse {
        let comms = try request.comms()
        let id = MessageIDRequest(id: request.parameter("id"))
        return .json(try await request.upstream { try await comms.getMessage(id, request.callContext) }.json)
    }

    @Sendable private static func messages(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let status = fileprivateQueryValue(request, "status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, !CommsSchemas.statuses.contains(status) {
            throw RouterError.validation(
                "status", "status must be one of " + CommsSchemas.statuses.joined(separator: ", ") + ".")
        }
        let comms = try request.comms()
        let query = ListMessagesRequest(page: PageQuery(limit: limit, cursor: cursor), status: status)
        let page = try await request.upstream { try await comms.listMessages(query, request.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private static func createTemplate(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(TemplateBody.self)
        guard (1...128).contains(body.name.count) else {
            throw RouterError.validation("name", "name must be 1 to 128 characters.")
        }
        let comms = try request.comms()
        let create = CreateTemplateRequest(name: body.name, subject: body.subject, text: body.text, html: body.html)
        let template = try await request.upstream { try await comms.createTemplate(create, request.callContext) }
        return .json(template.json, status: 201)
    }

    @Sendable private static func templates(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let comms = try request.comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await request.upstream { try await comms.listTemplates(query, request.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private static func suppressions(_ request: RouteRequest) async throws -> RouteResponse {
        let (limit, cursor) = try Pagination.read(request)
        let comms = try request.comms()
        let query = PageQuery(limit: limit, cursor: cursor)
        let page = try await request.upstream { try await comms.listSuppressions(query, request.callContext) }
        return Pagination.page(page.data.map(\.json), next: page.nextCursor)
    }

    @Sendable private static func deleteSuppression(_ request: RouteRequest) async throws -> RouteResponse {
        let comms = try request.comms()
        let suppression = SuppressionRequest(email: request.parameter("email"))
        try await request.upstream { try await comms.deleteSuppression(suppression, request.callContext) }
        return .noContent
    }

    @Sendable private static func settings(_ request: RouteRequest) async throws -> RouteResponse {
        let comms = try request.comms()
        return .json(try await request.upstream { try await comms.getSettings(request.callContext) }.json)
    }

    @Sendable private static func updateSettings(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(SettingsBody.self)
        let comms = try request.comms()
        let update = UpdateCommsSettingsRequest(
            smtpURL: body.smtp_url, defaultFrom: body.default_from, unsubscribeURL: body.unsubscribe_url)
        return .json(try await request.upstream { try await comms.updateSettings(update, request.callContext) }.json)
    }
}

/// The last value of query parameter `name` (`+` is a space, then percent-decoded), or nil when absent.
fileprivate func fileprivateQueryValue(_ request: RouteRequest, _ name: String) -> String? {
    var found: String?
    for pair in (request.http.query ?? "").split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0] == name else { continue }
        let raw = parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ") : ""
        found = Wire.HTTPRequest.percentDecoded(raw) ?? raw
    }
    return found
}
