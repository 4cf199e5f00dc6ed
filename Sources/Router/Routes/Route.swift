import Foundation
import Wire

/// One declaration of the routing table: what the route matches, who may call it, what it does, and how the
/// OpenAPI document describes it. ``RouteTable`` lists them all; the responder and the document both read it.
/// A class, so matching a request hands out a reference rather than copying a dozen fields.
///
/// ```swift
/// Route(.get, "/v1/whoami", auth: .anyKey, summary: "Who am I",
///       response: .init(status: 200, schema: Schemas.whoami)) { request in
///     .json(["project_id": .string(request.key!.projectID)])
/// }
/// ```
final class Route: Sendable {
    /// What a route handler gets.
    typealias Handler = @Sendable (RouteRequest) async throws -> RouteResponse

    /// A documented response.
    struct Documented: Sendable {
        /// The status.
        let status: Int
        /// The body's JSON Schema, or nil for no body.
        let schema: JSONValue?
    }

    /// The method.
    let method: HTTPMethod
    /// The path template.
    let path: PathTemplate
    /// Who may call it.
    let auth: RouteAuth
    /// Whether the body is taken raw (inbound webhooks) rather than checked as JSON.
    let rawBody: Bool
    /// Whether `Idempotency-Key` applies (POSTs that create).
    let idempotent: Bool
    /// Whether unkeyed calls are limited per client address.
    let limitsByAddress: Bool
    /// How long the handler may take before 504 `UPSTREAM_TIMEOUT`.
    let deadline: Duration
    /// The OpenAPI summary.
    let summary: String
    /// The OpenAPI tag.
    let tag: String
    /// The request body's JSON Schema, or nil when the route takes none.
    let requestSchema: JSONValue?
    /// The success response.
    let response: Documented
    /// The handler.
    let handler: Handler

    /// Declares a route.
    init(
        _ method: HTTPMethod, _ path: String, auth: RouteAuth, tag: String, summary: String,
        request: JSONValue? = nil, response: Documented, rawBody: Bool = false, idempotent: Bool = false,
        limitsByAddress: Bool = false, deadline: Duration = .seconds(10), handler: @escaping Handler
    ) {
        self.method = method
        self.path = PathTemplate(path)
        self.auth = auth
        self.rawBody = rawBody
        self.idempotent = idempotent
        self.limitsByAddress = limitsByAddress
        self.deadline = deadline
        self.summary = summary
        self.tag = tag
        self.requestSchema = request
        self.response = response
        self.handler = handler
    }
}

/// The request as a handler sees it: captured parameters, the authenticated key, the body.
struct RouteRequest: Sendable {
    /// The replica's state.
    let app: RouterApp
    /// The raw HTTP request.
    let http: HTTPRequest
    /// Path parameters by template name (percent-decoded).
    let parameters: [String: String]
    /// The authenticated key, for keyed routes.
    let key: KeyRecord?
    /// The request id.
    let requestID: String
    /// The client address, if known.
    let clientAddress: String?
    /// When the route's deadline passes (Wire calls carry it, so services stop waiting too).
    var deadline: ContinuousClock.Instant = .now + .seconds(10)
    /// The end user (JWT `sub`) of a verified bearer token, on `.keyAndBearer` routes.
    var subject: String?
    /// The end user's session (JWT `sid`) of a verified bearer token, on `.keyAndBearer` routes.
    var sessionID: String?

    /// The parameter `name` (the template guarantees it is present).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The body decoded as `T`: 400 `MALFORMED_JSON` for invalid JSON, 400 `VALIDATION_FAILED` naming the
    /// field for a missing or mistyped one. An empty body counts as `{}`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let bytes = http.body.isEmpty ? Array("{}".utf8) : http.body
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
            throw RouterError.malformedJSON
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw fileprivateValidationError(error)
        }
    }
}

/// 400 `VALIDATION_FAILED` with the dotted path of the offending field (never its value).
fileprivate func fileprivateValidationError(_ error: DecodingError) -> RouterError {
    let path: [any CodingKey]
    let message: String
    switch error {
    case .keyNotFound(let key, let context):
        path = context.codingPath + [key]
        message = "A required field is missing."
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        path = context.codingPath
        message = "A field has the wrong type."
    case .dataCorrupted(let context):
        path = context.codingPath
        message = "A field has an invalid value."
    @unknown default:
        path = []
        message = "The body is not valid."
    }
    let field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    return .validation(field.isEmpty ? "body" : field, message)
}

/// What a handler returns: a status, an optional JSON body and extra headers.
struct RouteResponse: Sendable {
    /// The status.
    var status: Int
    /// The body, or nil for none (204).
    var body: JSONValue?
    /// A plain-text body (Prometheus), used when `body` is nil.
    var text: String?
    /// Extra headers.
    var headers: [(String, String)] = []

    /// A response.
    init(status: Int, body: JSONValue?, text: String? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.body = body
        self.text = text
        self.headers = headers
    }

    /// A JSON response.
    static func json(_ body: JSONValue, status: Int = 200) -> RouteResponse {
        RouteResponse(status: status, body: body)
    }

    /// 204 No Content.
    static let noContent = RouteResponse(status: 204, body: nil)
}
