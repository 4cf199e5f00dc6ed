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
