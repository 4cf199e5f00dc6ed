import Wire

/// The REST contract's error codes (`{"error":"UPPER_SNAKE_CODE",…}`), declared once with their HTTP status
/// and the Wire code a service answers with. Services throw them inside a ``PublicError``; the Router renders
/// every error it answers — its own and the services' — from this table, so a code cannot have two statuses.
///
/// ```swift
/// PublicErrorCode.versionMismatch.httpStatus   // 412
/// ```
public enum PublicErrorCode: String, CaseIterable, Sendable, Hashable, Codable {
    case malformedJSON = "MALFORMED_JSON"
    case validationFailed = "VALIDATION_FAILED"
    case missingAPIKey = "MISSING_API_KEY"
    case invalidAPIKey = "INVALID_API_KEY"
    case invalidAdminToken = "INVALID_ADMIN_TOKEN"
    case invalidToken = "INVALID_TOKEN"
    case tokenExpired = "TOKEN_EXPIRED"
    case invalidCredentials = "INVALID_CREDENTIALS"
    case refreshTokenReused = "REFRESH_TOKEN_REUSED"
    case invalidSignature = "INVALID_SIGNATURE"
    case timestampOutOfTolerance = "TIMESTAMP_OUT_OF_TOLERANCE"
    case insufficientCredits = "INSUFFICIENT_CREDITS"
    case trialEnded = "TRIAL_ENDED"
    case forbidden = "FORBIDDEN"
    case planLimitReached = "PLAN_LIMIT_REACHED"
    case notFound = "NOT_FOUND"
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    case conflict = "CONFLICT"
    case versionMismatch = "VERSION_MISMATCH"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
    case idempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED"
    case rateLimited = "RATE_LIMITED"
    case headersTooLarge = "HEADERS_TOO_LARGE"
    case `internal` = "INTERNAL"
    case serviceUnavailable = "SERVICE_UNAVAILABLE"
    case upstreamTimeout = "UPSTREAM_TIMEOUT"

    /// The HTTP status the contract gives the code.
    public var httpStatus: Int {
        switch self {
        case .malformedJSON, .validationFailed: 400
        case .missingAPIKey, .invalidAPIKey, .invalidAdminToken, .invalidToken, .tokenExpired, .invalidCredentials,
            .refreshTokenReused, .invalidSignature, .timestampOutOfTolerance: 401
        case .insufficientCredits, .trialEnded: 402
        case .forbidden, .planLimitReached: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .versionMismatch: 412
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .idempotencyKeyReused: 422
        case .rateLimited: 429
        case .headersTooLarge: 431
        case .internal: 500
        case .serviceUnavailable: 503
        case .upstreamTimeout: 504
        }
    }

    /// The Wire code a service's ``PublicError`` travels under (what a caller that does not read the typed
    /// detail still understands, e.g. whether a retry may help).
    public var wireCode: WireError.Code {
        switch self {
        case .malformedJSON, .validationFailed, .payloadTooLarge, .unsupportedMediaType, .headersTooLarge:
            .invalidArgument
        case .missingAPIKey, .invalidAPIKey, .invalidAdminToken, .invalidToken, .tokenExpired, .invalidCredentials,
            .refreshTokenReused, .invalidSignature, .timestampOutOfTolerance: .unauthenticated
        case .insufficientCredits, .trialEnded, .planLimitReached, .rateLimited: .resourceExhausted
        case .forbidden: .permissionDenied
        case .notFound, .methodNotAllowed: .notFound
        case .conflict, .idempotencyKeyReused: .alreadyExists
        case .versionMismatch: .failedPrecondition
        case .internal: .internal
        case .serviceUnavailable: .unavailable
        case .upstreamTimeout: .deadlineExceeded
        }
    }
}
