import Wire

/// Keyed routes: `X-API-Key` verified from memory (``KeyRegistry``): missing → 401 `MISSING_API_KEY`;
/// malformed, unknown, expired or revoked → 401 `INVALID_API_KEY`; a publishable key where `secretOnly` →
/// 403 `FORBIDDEN`. Sets ``RequestContext/key`` (before the kind check, so the access log names the key) and
/// notes the use for `last_used_at`.
struct APIKeyAuthentication: RouteMiddleware {
    /// The keys, in memory.
    let registry: KeyRegistry
    /// Uses of keys to flush.
    let usage: KeyUsageRecorder
    /// Whether only a secret key may call the route.
    let secretOnly: Bool
    /// Whether a publishable key may come as `?apikey=` when there is no header (`.keyOrQueryKey` routes).
    var acceptsQueryKey = false

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        let header = context.request.headers["X-API-Key"]
        let query = acceptsQueryKey && header == nil ? try context.query("apikey") : nil
        guard let presented = header ?? query else { throw RouterError.missingAPIKey }
        guard case .valid(let record) = registry.authenticate(presented, now: context.now) else {
            throw RouterError.invalidAPIKey
        }
        context.key = record
        usage.record(keyID: record.id, at: context.now)
        if secretOnly, record.kind != .secret { throw RouterError.forbidden }
        if query != nil, record.kind != .publishable { throw RouterError.forbidden }
        return try await next(&context)
    }
}
