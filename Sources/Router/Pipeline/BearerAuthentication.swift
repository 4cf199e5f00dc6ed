import Wire

/// `.keyAndBearer` routes, after the key and the rate limit: the end user's `Authorization: Bearer` access
/// token, verified locally for the key's project (``BearerAuthenticator``; 401 `INVALID_TOKEN` /
/// `TOKEN_EXPIRED`, 503 while the session denylist is stale). Sets ``RequestContext/subject`` and
/// ``RequestContext/sessionID``.
struct BearerAuthentication: RouteMiddleware {
    /// The check.
    let bearer: BearerAuthenticator

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        guard let projectID = context.key?.projectID else { throw RouterError.invalidToken }
        let claims = try await bearer.authenticate(
            authorization: context.request.headers["Authorization"], projectID: projectID, now: context.now)
        context.subject = claims.sub
        context.sessionID = claims.sid
        return try await next(&context)
    }
}
