import Wire

/// An error answered with the contract's JSON body: `{"error","message","request_id",…context}`.
///
/// `message` is a fixed sentence and `context` holds only safe values (a field name, a number): never
/// request data, a key, a token or a body. Anything else a handler throws becomes 500 `INTERNAL`.
struct RouterError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    let status: Int
    /// The contract's `UPPER_SNAKE_CODE`.
    let code: String
    /// A human sentence.
    let message: String
    /// Extra members after `request_id` (`field`, `retry_after`).
    var context: [(String, JSONValue)] = []
    /// Extra response headers (`Allow`, `Retry-After`).
    var headers: [(String, String)] = []

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

    static let notFound = RouterError(status: 404, code: "NOT_FOUND", message: "No such resource.")
    static let missingAPIKey = RouterError(
        status: 401, code: "MISSING_API_KEY", message: "This route needs an X-API-Key header.")
    static let invalidAPIKey = RouterError(
        status: 401, code: "INVALID_API_KEY", message: "The API key is not valid.")
    static let invalidToken = RouterError(
        status: 401, code: "INVALID_TOKEN", message: "The access token is missing or not valid.")
    static let invalidAdminToken = RouterError(
        status: 401, code: "INVALID_ADMIN_TOKEN", message: "This route needs a valid X-Admin-Token header.")
    static let forbidden = RouterError(status: 403, code: "FORBIDDEN", message: "This credential may not use this route.")
    static let unsupportedMediaType = RouterError(
        status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "The body must be application/json.")
    static let malformedJSON = RouterError(status: 400, code: "MALFORMED_JSON", message: "The body is not valid JSON.")
    static let idempotencyKeyReused = RouterError(
        status: 422, code: "IDEMPOTENCY_KEY_REUSED",
        message: "This Idempotency-Key was used with a different request.")
    static let internalError = RouterError(status: 500, code: "INTERNAL", message: "Something went wrong on our side.")
    static let upstreamTimeout = RouterError(
        status: 504, code: "UPSTREAM_TIMEOUT", message: "The request did not finish in time.")

    /// 400 `VALIDATION_FAILED` naming `field`.
    static func validation(_ field: String, _ message: String) -> RouterError {
        RouterError(status: 400, code: "VALIDATION_FAILED", message: message, context: [("field", .string(field))])
    }

    /// 405 with the `Allow` header.
    static func methodNotAllowed(allow: [String]) -> RouterError {
        RouterError(
            status: 405, code: "METHOD_NOT_ALLOWED", message: "This path does not accept this method.",
            headers: [("Allow", allow.joined(separator: ", "))])
    }

    /// 429 with `retry_after` and `Retry-After`.
    static func rateLimited(retryAfter: Int) -> RouterError {
        RouterError(
            status: 429, code: "RATE_LIMITED", message: "Too many requests; retry later.",
            context: [("retry_after", .int(retryAfter))], headers: [("Retry-After", String(retryAfter))])
    }
}
