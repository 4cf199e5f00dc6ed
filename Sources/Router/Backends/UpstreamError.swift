import Wire

/// Turns what a Wire call to a service threw into the contract's error response.
///
/// A service names the public error in `details["error"]` (``WireError/public(_:_:_:_:)``); the status comes
/// from that code when this table knows it, else from the Wire code. Other details become context members
/// (`retry_after`, `balance_cents` and `limit`-like numbers as JSON numbers). A failure without a public code
/// maps by Wire code alone: `unavailable`/unreachable → 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`,
/// `deadlineExceeded` → 504 `UPSTREAM_TIMEOUT`, anything else → 500 `INTERNAL` (its message is not shown).
enum UpstreamError {
    /// The HTTP status of each public code a service may use.
    static let statusByCode: [String: Int] = [
        "VALIDATION_FAILED": 400, "MALFORMED_JSON": 400,
        "INVALID_CREDENTIALS": 401, "INVALID_TOKEN": 401, "TOKEN_EXPIRED": 401, "REFRESH_TOKEN_REUSED": 401,
        "INSUFFICIENT_CREDITS": 402, "TRIAL_ENDED": 402,
        "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409, "IDEMPOTENCY_KEY_REUSED": 422,
        "RATE_LIMITED": 429, "SERVICE_UNAVAILABLE": 503, "UPSTREAM_TIMEOUT": 504,
    ]

    /// Context members whose values are numbers in the JSON body.
    static let numericContext: Set<String> = ["retry_after", "balance_cents"]

    /// The Router's answer for `error`, thrown by a call to `service`.
    static func routerError(_ error: any Error) -> RouterError {
        if let routerError = error as? RouterError { return routerError }
        guard let wire = error as? WireError else { return .serviceUnavailable }
        if let code = wire.publicCode {
            let status = statusByCode[code] ?? status(for: wire.code)
            var context: [(String, JSONValue)] = []
            var headers: [(String, String)] = []
            for (name, value) in (wire.details ?? [:]).sorted(by: { $0.key < $1.key }) where name != "error" {
                if numericContext.contains(name), let number = Int(value) {
                    context.append((name, .int(number)))
                } else {
                    context.append((name, .string(value)))
                }
            }
            if status == 429 || status == 503, let retry = wire.details?["retry_after"] {
                headers.append(("Retry-After", retry))
            }
            let message = wire.message.isEmpty ? "The request failed." : wire.message
            return RouterError(status: status, code: code, message: message, context: context, headers: headers)
        }
        switch wire.code {
        case .unavailable, .cancelled: return .serviceUnavailable
        case .deadlineExceeded: return .upstreamTimeout
        case .invalidArgument: return .validation("body", wire.message.isEmpty ? "The request is not valid." : wire.message)
        case .notFound: return .notFound
        case .permissionDenied: return .forbidden
        case .unauthenticated: return .invalidToken
        case .resourceExhausted: return .rateLimited(retryAfter: 1)
        default: return .internalError
        }
    }

    /// The status for a Wire code when the public code is not in the table.
    static func status(for code: WireError.Code) -> Int {
        switch code {
        case .invalidArgument, .outOfRange: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .notFound: 404
        case .alreadyExists, .aborted, .failedPrecondition: 409
        case .resourceExhausted: 429
        case .unavailable: 503
        case .deadlineExceeded: 504
        default: 500
        }
    }
}

extension RouterError {
    /// 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`.
    static let serviceUnavailable = RouterError(
        status: 503, code: "SERVICE_UNAVAILABLE", message: "A service behind the Router is unavailable; retry shortly.",
        headers: [("Retry-After", "1")])
}
