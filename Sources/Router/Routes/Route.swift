import Foundation
import Wire

/// One declaration of the routing table: what the route matches, who may call it, its body type, what it
/// does, and how the OpenAPI document describes it. The pipeline's stages are chosen from it once, when the
/// ``RouteTable`` is built (``RouterPipeline``); the document is generated from it. A class, so matching a
/// request hands out a reference rather than copying a dozen fields.
///
/// ```swift
/// Route(.post, "/v1/keys", auth: .secretKey, tag: "keys", summary: "Create a key (shown once)",
///       body: CreateKeyBody.self, response: .init(status: 201, schema: Schemas.newKey), idempotent: true) {
///     body, context in try await create(kind: body.kind, projectID: context.key!.projectID)
/// }
/// ```
final class Route: Sendable {
    /// What a route handler gets.
    typealias Handler = @Sendable (RequestContext) async throws -> RouteResponse

    /// A documented response.
    struct Documented: Sendable {
        /// The status.
        let status: Int
        /// The body's JSON Schema, or nil for no body.
        let schema: JSONValue?
        /// Other success statuses with the same body (`PUT` that creates: 201 beside 200).
        var alsoStatuses: [Int] = []
        /// The body's media type.
        var contentType = "application/json"
    }

    /// The method.
    let method: HTTPMethod
    /// The path template.
    let path: PathTemplate
    /// Who may call it (chooses the auth stage).
    let auth: RouteAuth
    /// Whether the body is taken raw (inbound webhooks) rather than checked as JSON.
    let rawBody: Bool
    /// Whether `Idempotency-Key` applies (POSTs that create).
    let idempotent: Bool
    /// Whether calls are limited per client address (unkeyed routes, and keyed ones that anyone can reach
    /// with a publishable key and that cost the mesh work per email: signup, magic link, recovery).
    let limitsByAddress: Bool
    /// Whether an `aal1` access token of a user with a verified second factor may call it (`.keyAndBearer`
    /// routes: the MFA routes, `GET /v1/auth/user`, logout). Every other bearer route answers such a token 403
    /// `FORBIDDEN` with `required_aal: "aal2"` (``BearerAuthentication``).
    let acceptsAAL1: Bool
    /// How long the handler may take before 504 `UPSTREAM_TIMEOUT`.
    let deadline: Duration
    /// Extra stages of this route, run after auth and the rate limit, before the body check.
    let middleware: [any RouteMiddleware]
    /// The OpenAPI summary.
    let summary: String
    /// The OpenAPI tag.
    let tag: String
    /// The request body's JSON Schema (from its ``RequestBody`` type), or nil when the route takes none.
    let requestSchema: JSONValue?
    /// Whether the body must be sent (false when every field is optional: no body counts as `{}`).
    let requestRequired: Bool
    /// The query parameters the route reads, for the document.
    let query: [QueryParameter]
    /// The success response.
    let response: Documented
    /// The handler.
    let handler: Handler

    /// Declares a route without a JSON body.
    init(
        _ method: HTTPMethod, _ path: String, auth: RouteAuth, tag: String, summary: String,
        request: JSONValue? = nil, requestRequired: Bool = true, query: [QueryParameter] = [], response: Documented,
        rawBody: Bool = false,
        idempotent: Bool = false, limitsByAddress: Bool = false, acceptsAAL1: Bool = false,
        deadline: Duration = .seconds(10), middleware: [any RouteMiddleware] = [], handler: @escaping Handler
    ) {
        self.method = method
        self.path = PathTemplate(path)
        self.auth = auth
        self.rawBody = rawBody
        self.idempotent = idempotent
        self.limitsByAddress = limitsByAddress
        self.acceptsAAL1 = acceptsAAL1
        self.deadline = deadline
        self.middleware = middleware
        self.summary = summary
        self.tag = tag
        self.requestSchema = request
        self.requestRequired = requestRequired
        self.query = query
        self.response = response
        self.handler = handler
    }

    /// Declares a route whose JSON body is decoded once, straight into `Body`, before `handler` runs (400
    /// `MALFORMED_JSON` / `VALIDATION_FAILED` otherwise); the document's request schema is `Body.schema`.
    convenience init<Body: RequestBody>(
        _ method: HTTPMethod, _ path: String, auth: RouteAuth, tag: String, summary: String, body: Body.Type,
        query: [QueryParameter] = [], response: Documented, idempotent: Bool = false, limitsByAddress: Bool = false,
        acceptsAAL1: Bool = false, deadline: Duration = .seconds(10), middleware: [any RouteMiddleware] = [],
        handler: @escaping @Sendable (Body, RequestContext) async throws -> RouteResponse
    ) {
        self.init(
            method, path, auth: auth, tag: tag, summary: summary, request: Body.schema,
            requestRequired: Body.fields.contains(where: \.required) || !Body.rules.isEmpty, query: query,
            response: response, idempotent: idempotent, limitsByAddress: limitsByAddress, acceptsAAL1: acceptsAAL1,
            deadline: deadline,
            middleware: middleware
        ) { context in
            try await handler(try Body.decode(context.request.body), context)
        }
    }
}

/// A query parameter as the OpenAPI document states it (the route reads it with ``RequestContext/query(_:)``).
struct QueryParameter: Sendable {
    /// The name.
    let name: String
    /// Its JSON Schema.
    let schema: JSONValue
    /// Whether it must be present.
    var required = false
}
