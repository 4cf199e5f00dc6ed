/// The answer of ``RateLimiter``: whether a request may proceed, and the contract's header values.
///
/// ```swift
/// let decision = limiter.check(key: .project(projectID), limit: project.rateLimit, now: .now)
/// for (name, value) in decision.headers { response.headers.add(name, value) }
/// guard decision.isAllowed else { throw RouterError.rateLimited(retryAfter: decision.retryAfter!) }  // 429
/// ```
struct RateLimitDecision: Sendable, Hashable {
    /// Whether the request was admitted (and a token taken).
    let isAllowed: Bool
    /// `RateLimit-Limit`: the bucket's capacity (the burst).
    let limit: Int
    /// `RateLimit-Remaining`: whole tokens left after this request (0 when refused).
    let remaining: Int
    /// `RateLimit-Reset`: whole seconds (rounded up) until the bucket is full again; 0 when it is full.
    let reset: Int
    /// `Retry-After` and the body's `retry_after`: whole seconds (rounded up, at least 1) until one token is
    /// back; nil when allowed.
    let retryAfter: Int?

    /// The headers to send: the three `RateLimit-*` always, and `Retry-After` on a refusal.
    var headers: [(name: String, value: String)] {
        var headers = [
            (name: "RateLimit-Limit", value: String(limit)),
            (name: "RateLimit-Remaining", value: String(remaining)),
            (name: "RateLimit-Reset", value: String(reset)),
        ]
        if let retryAfter { headers.append((name: "Retry-After", value: String(retryAfter))) }
        return headers
    }
}
