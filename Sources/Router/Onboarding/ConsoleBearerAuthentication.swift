import Wire

/// The console's routes (`/v1/console/*`): no API key, an owner's `Authorization: Bearer` access token of the
/// console project (``OnboardingConfig/consoleProjectID``), verified locally like every bearer token
/// (``BearerAuthenticator``; 401 `INVALID_TOKEN` / `TOKEN_EXPIRED`). A token needing a second factor is
/// refused as on other routes (403 with `required_aal`). Sets ``RequestContext/subject``.
struct ConsoleBearerAuthentication: RouteMiddleware {
    /// The check.
    let bearer: BearerAuthenticator
    /// The console project.
    let consoleProjectID: String

    func handle(_ context: inout RequestContext, next: RouteResponder) async throws -> HTTPResponse {
        let claims = try await bearer.authenticate(
            authorization: context.request.headers["Authorization"], projectID: consoleProjectID, now: context.now)
        if claims.needsSecondFactor { throw RouterError.needsAAL2 }
        context.subject = claims.sub
        context.sessionID = claims.sid
        return try await next(&context)
    }
}
