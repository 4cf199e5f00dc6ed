import Wire

/// Why a call to a WhatsApp gateway failed, as SmartSend acts on it (the contract's health rules): a refused
/// key bans the instance, 429 or repeated 5xx throttle it, a number not on WhatsApp fails the message, anything
/// else is retried.
enum GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401/403: the gateway refused the key or the instance (logged out, banned).
    case unauthorized(status: Int)
    /// 429.
    case rateLimited
    /// 5xx.
    case serverError(status: Int)
    /// The number is not on WhatsApp (Evolution's 400 with `exists: false`).
    case notOnWhatsApp
    /// 404: the gateway does not know the instance.
    case unknownInstance
    /// Another 4xx the gateway gave (a reason safe to log: the status only).
    case rejected(status: Int)
    /// The answer was not the JSON expected.
    case malformedResponse
    /// The request never got an answer (refused target, timeout, connection).
    case transport(HTTPClientError.Code)

    /// Whether the gateway may have acted on the request despite this error: a 5xx, an answer we could not read,
    /// or a connection that broke or timed out after the request was written. A refusal (4xx) or a connection that
    /// never opened means it did not.
    var mayHaveActed: Bool {
        switch self {
        case .unauthorized, .rateLimited, .notOnWhatsApp, .unknownInstance, .rejected: false
        case .serverError, .malformedResponse: true
        case .transport(let code):
            switch code {
            case .invalidRequest, .targetNotAllowed, .resolveFailed, .connectFailed, .connectTimeout, .tlsFailed: false
            case .responseHeadTimeout, .timeout, .responseTooLarge, .malformedResponse, .connectionClosed, .cancelled: true
            }
        }
    }

    var description: String {
        switch self {
        case .unauthorized(let status): "gateway refused the credentials (\(status))"
        case .rateLimited: "gateway rate limited (429)"
        case .serverError(let status): "gateway error (\(status))"
        case .notOnWhatsApp: "the number is not on WhatsApp"
        case .unknownInstance: "gateway does not know the instance (404)"
        case .rejected(let status): "gateway refused the request (\(status))"
        case .malformedResponse: "gateway answered something unexpected"
        case .transport(let code): "gateway unreachable (\(code.rawValue))"
        }
    }
}
