import Contracts
import Wire

/// Turns what a Wire call to a service threw into the contract's error response.
///
/// A service throws a typed ``PublicError``; it crosses the mesh as the typed detail of the ``WireError``
/// and becomes the answer here with its code's status and context (``RouterError/init(_:)``). A failure
/// without one maps by Wire code alone: `unavailable`/unreachable → 503 `SERVICE_UNAVAILABLE` with
/// `Retry-After: 1`, `deadlineExceeded` → 504 `UPSTREAM_TIMEOUT`, anything else → 500 `INTERNAL` (its message
/// is not shown).
enum UpstreamError {
    /// The Router's answer for `error`, thrown by a call to a service.
    static func routerError(_ error: any Error) -> RouterError {
        if let routerError = error as? RouterError { return routerError }
        if let publicError = PublicError.from(error) { return RouterError(publicError) }
        guard let wire = error as? WireError else { return .serviceUnavailable }
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
}

extension RouterError {
    /// The answer for a service's public error: the code's status, its message and typed context, and
    /// `Retry-After` when it names a wait.
    init(_ error: PublicError) {
        var headers: [(String, String)] = []
        if let retryAfter = error.retryAfter { headers.append(("Retry-After", String(retryAfter))) }
        self.init(
            error.code, error.message.isEmpty ? "The request failed." : error.message,
            context: error.context.map { member in
                switch member.value {
                case .string(let text): (member.name, .string(text))
                case .integer(let number): (member.name, .int(Int(number)))
                }
            },
            headers: headers)
    }
}
