import Wire

/// `.keyAndBearer` routes, after the key and the rate limit: the end user's `Authorization: Bearer` access
/// token, verified locally for the key's project (``BearerAuthenticator``; 401 `INVALID_TOKEN` /
/// `TOKEN_EXPIRED`, 503 while the session denylist is stale). Sets ``RequestContext/subject`` and
/// ``RequestContext/sessionID``.
///
/// `optional` (`.keyOptionalBearer` routes): without an `Authorization` header, or with a secret key (which
/// acts for the project, not a user), the request goes on without a user; a header that is sent with a
/// publishable key is verified as above.
///
/// The `aal` gate: a token that needs a second factor (`"aal":"aal1"` with `"mfa":true`, see `docs/jwt.md`)
/// reaches only routes that accept `aal1` (``Route/acceptsAAL1``); elsewhere 403 `FORBIDDEN` with
/// `required_aal: "aal2"`, before any Wire call.
struct BearerAuthentication: RouteMiddleware {
    /// The check.
    let bearer: BearerAuthenticator
    /// Whether the route accepts an `aal1` token of a user with a verified factor.
    let acceptsAAL1: Bool
    /// Whether a request without a bearer token (or with a secret key) goes on without a user.
    var optional = false

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        if optional, context.request.headers["Authorization"] == nil || context.key?.kind == .secret {
            return try await next(&context)
        }
        guard let projectID = context.key?.projectID else { throw RouterError.invalidToken }
        let claims = try await bearer.authenticate(
            authorization: context.request.headers["Authorization"], projectID: projectID, now: context.now)
        if claims.needsSecondFactor, !acceptsAAL1 { throw RouterError.needsAAL2 }
        context.subject = claims.sub
        context.sessionID = claims.sid
        return try await next(&context)
    }
}
