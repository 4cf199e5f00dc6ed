/// Who may call a route.
enum RouteAuth: String, Sendable, Hashable, CaseIterable {
    /// Anyone (health, OpenAPI, inbound webhooks; rate limited per client address where it matters).
    case none
    /// A platform operator: `X-Admin-Token`, compared in constant time.
    case admin
    /// Any valid API key of a project, publishable or secret.
    case anyKey
    /// A secret API key (`psk_…`); a publishable key gets 403 `FORBIDDEN`.
    case secretKey
    /// An API key and an end user's `Authorization: Bearer` access token, verified locally with Identity's
    /// keys for the key's project (``BearerAuthenticator``): 401 `INVALID_TOKEN` / `TOKEN_EXPIRED` when refused.
    case keyAndBearer
    /// Any API key, and with a publishable key an end user's bearer token if one is sent: verified as for
    /// ``keyAndBearer`` (a bad one is 401), absent is fine. The service decides what the caller may do
    /// (the vault's collection rules) from the key kind and the user in the ``CallContext``.
    case keyOptionalBearer

    /// Any API key in `X-API-Key`, or a publishable key in `?apikey=` (a browser sent to `GET
    /// /v1/auth/authorize` cannot set headers; a secret key in a URL is refused with 403 `FORBIDDEN`).
    case keyOrQueryKey

    /// Whether the route needs an API key (and so counts against the project's rate limit).
    var needsKey: Bool { self != .none && self != .admin }
}
