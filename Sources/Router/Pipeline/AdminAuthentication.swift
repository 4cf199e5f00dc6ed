import ServiceKit
import Wire

/// Admin routes: `X-Admin-Token` compared in constant time; missing or wrong → 401 `INVALID_ADMIN_TOKEN`.
///
/// Wrong tokens are limited per client address (``RateLimit`` `wrongTokenLimit`, in a bucket of their own):
/// once an address has spent its budget, its next wrong (or missing) tokens get 429 `RATE_LIMITED`. The right
/// token is checked first and never touches the bucket, so it is never slowed by anyone's wrong guesses.
struct AdminAuthentication: RouteMiddleware {
    /// The operator token.
    let token: String
    /// The buckets (keys of their own: ``RateLimitKey/adminAddress(_:)``).
    let limiter: RateLimiter
    /// The budget of wrong tokens per client address.
    let wrongTokenLimit: RateLimit
    /// Metrics (refusals by scope).
    let metrics: RouterMetrics

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        if let presented = context.request.headers["X-Admin-Token"], ConstantTime.equals(presented, token) {
            return try await next(&context)
        }
        let decision = limiter.check(
            key: .adminAddress(context.clientAddress ?? "unknown"), limit: wrongTokenLimit, now: .now)
        guard decision.isAllowed else {
            metrics.rateLimited(scope: "admin_address")
            throw RouterError.rateLimited(retryAfter: decision.retryAfter ?? 1)
        }
        throw RouterError.invalidAdminToken
    }
}
