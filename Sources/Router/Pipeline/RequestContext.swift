import Foundation
import Wire

/// What a route handler knows about its request, filled in by the pipeline's stages as the request passes
/// them (Hummingbird's `RequestContext`): the edge sets the request id and client address, the auth stages
/// the key (project and kind) and the end user, the rate-limit stage its decision, the deadline stage the
/// deadline. A handler receives a copy; it reaches the mesh and the stores only through the dependencies its
/// route group captured, never through the whole Router.
///
/// ```swift
/// Route(.get, "/v1/whoami", auth: .anyKey, tag: "keys", summary: "…", response: .init(status: 200, schema: …)) { context in
///     .json(["project_id": .string(context.key!.projectID)])
/// }
/// ```
struct RequestContext: Sendable {
    /// The HTTP request as parsed (head and raw body).
    let request: HTTPRequest
    /// Path parameters by template name (percent-decoded).
    let parameters: [String: String]
    /// The request id (echoed or generated at the edge).
    let requestID: String
    /// The client address, if known.
    let clientAddress: String?
    /// The connection's event loop (the deadline's timer runs there; Wire calls go out on it).
    let eventLoop: EventLoop
    /// When the request reached the pipeline (auth and idempotency read the same instant).
    let now: Date
    /// The authenticated API key (keyed routes), set by ``APIKeyAuthentication``.
    var key: KeyRecord?
    /// The end user (JWT `sub`) of a verified bearer token, set by ``BearerAuthentication``.
    var subject: String?
    /// The end user's session (JWT `sid`), set by ``BearerAuthentication``.
    var sessionID: String?
    /// The project's rate-limit decision, reported in the response's headers (keyed routes).
    var rateLimit: RateLimitDecision?
    /// When the route's deadline passes, set by ``DeadlineStage`` (Wire calls carry it, so services stop too).
    var deadline: ContinuousClock.Instant = .now + .seconds(10)

    /// The authenticated project, on keyed routes.
    var projectID: String? { key?.projectID }
    /// The authenticated key's kind, on keyed routes.
    var keyKind: APIKey.Kind? { key?.kind }

    /// The parameter `name` (the template guarantees it is present).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The query parameter `name` by the Router's one rule (``HTTPRequest/queryParameter(_:)``).
    func query(_ name: String) throws(RouterError) -> String? { try request.queryParameter(name) }

    /// The Wire metadata for calls made on behalf of this request: the request id, the key's project, the
    /// key's kind, the verified end user and session (bearer routes), the client address and the route's deadline.
    var callContext: CallContext {
        CallContext(
            requestID: requestID, projectID: key?.projectID, subject: subject, sessionID: sessionID,
            clientAddress: clientAddress, keyKind: key?.kind.rawValue, deadline: deadline)
    }
}
