import Contracts
import Wire

/// An error answered with the contract's JSON body: `{"error","message","request_id",…context}`, with the
/// status its ``PublicErrorCode`` has in the contract (the one table of codes and statuses, shared with the
/// services' typed errors).
///
/// `message` is a fixed sentence and `context` holds only safe values (a field name, a number): never
/// request data, a key, a token or a body. Anything else a handler throws becomes 500 `INTERNAL`.
struct RouterError: Error, Sendable, CustomStringConvertible {
    /// The contract's code.
    let publicCode: PublicErrorCode
    /// A human sentence.
    let message: String
    /// Extra members after `request_id` (`field`, `retry_after`).
    var context: [(String, JSONValue)] = []
    /// Extra response headers (`Allow`, `Retry-After`).
    var headers: [(String, String)] = []

    /// An error of `code`.
    init(
        _ code: PublicErrorCode, _ message: String, context: [(String, JSONValue)] = [],
        headers: [(String, String)] = []
    ) {
        self.publicCode = code
        self.message = message
        self.context = context
        self.headers = headers
    }

    /// The HTTP status.
    var status: Int { publicCode.httpStatus }
    /// The contract's `UPPER_SNAKE_CODE`.
    var code: String { publicCode.rawValue }

    /// The code only.
    var description: String { "RouterError(\(code))" }

    /// The response for this error on request `requestID`.
    func response(requestID: String) -> HTTPResponse {
        let body = JSONValue.object(
            [("error", .string(code)), ("message", .string(message)), ("request_id", .string(requestID))] + context)
        var response = HTTPResponse.jsonBody(body, status: HTTPResponse.Status(code: status))
        for (name, value) in headers { response.headers.add(name: name, value: value) }
        return response
    }

    static let notFound = RouterError(.notFound, "No such resource.")
    static let missingAPIKey = RouterError(.missingAPIKey, "This route needs an X-API-Key header.")
    static let invalidAPIKey = RouterError(.invalidAPIKey, "The API key is not valid.")
    static let invalidToken = RouterError(.invalidToken, "The access token is missing or not valid.")
    static let tokenExpired = RouterError(.tokenExpired, "The access token has expired.")
    static let invalidAdminToken = RouterError(.invalidAdminToken, "This route needs a valid X-Admin-Token header.")
    static let forbidden = RouterError(.forbidden, "This credential may not use this route.")
    static let needsAAL2 = RouterError(
        .forbidden, "This route needs a session verified with a second factor.", context: [("required_aal", .string("aal2"))])
    static let unsupportedMediaType = RouterError(.unsupportedMediaType, "The body must be application/json.")
    static let malformedJSON = RouterError(.malformedJSON, "The body is not valid JSON.")
    static let idempotencyKeyReused = RouterError(
        .idempotencyKeyReused, "This Idempotency-Key was used with a different request.")
    static let internalError = RouterError(.internal, "Something went wrong on our side.")
    static let upstreamTimeout = RouterError(.upstreamTimeout, "The request did not finish in time.")
    /// 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`.
    static let serviceUnavailable = RouterError(
        .serviceUnavailable, "A service behind the Router is unavailable; retry shortly.", headers: [("Retry-After", "1")])

    /// 400 `VALIDATION_FAILED` naming `field`.
    static func validation(_ field: String, _ message: String) -> RouterError {
        RouterError(.validationFailed, message, context: [("field", .string(field))])
    }

    /// 405 with the `Allow` header.
    static func methodNotAllowed(allow: [String]) -> RouterError {
        RouterError(
            .methodNotAllowed, "This path does not accept this method.", headers: [("Allow", allow.joined(separator: ", "))])
    }

    /// 429 with `retry_after` and `Retry-After`.
    static func rateLimited(retryAfter: Int) -> RouterError {
        RouterError(
            .rateLimited, "Too many requests; retry later.", context: [("retry_after", .int(retryAfter))],
            headers: [("Retry-After", String(retryAfter))])
    }
}
