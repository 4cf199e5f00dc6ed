import Wire

/// The rate limit: a keyed request counts against its project's budget for its kind of key (secret and
/// publishable keys have separate buckets) (the decision goes to the response's
/// `RateLimit-*` headers, errors included); an unkeyed request on a route that `limitsByAddress` against its
/// client address. A refusal is 429 `RATE_LIMITED` with `retry_after` and `Retry-After`.
struct RateLimitStage: RouteMiddleware {
    /// What the budget is.
    enum Scope: Sendable {
        /// The authenticated key's project and kind (``ProjectLimits``).
        case project(ProjectLimits)
        /// The client address, under one budget.
        case address(RateLimit)
    }

    /// Whose budget.
    let scope: Scope
    /// The buckets.
    let limiter: RateLimiter
    /// Metrics (refusals by scope).
    let metrics: RouterMetrics

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        let decision: RateLimitDecision
        let name: String
        switch scope {
        case .project(let limits):
            guard let key = context.key else { return try await next(&context) }
            decision = limiter.check(
                key: .project(key.projectID, kind: key.kind), limit: limits.limit(for: key.projectID, kind: key.kind),
                now: .now)
            context.rateLimit = decision
            name = key.kind == .secret ? "project" : "publishable"
        case .address(let limit):
            guard let address = context.clientAddress else { return try await next(&context) }
            decision = limiter.check(key: .address(address), limit: limit, now: .now)
            name = "address"
        }
        guard decision.isAllowed else {
            metrics.rateLimited(scope: name)
            throw RouterError.rateLimited(retryAfter: decision.retryAfter ?? 1)
        }
        return try await next(&context)
    }
}
