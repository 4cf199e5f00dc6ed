/// The providers a project can configure (`PUT /v1/auth/admin/providers/{provider}`), and how each is spoken to.
enum SocialProvider: String, Sendable, CaseIterable {
    case google, github, microsoft, apple, oidc

    /// How Identity talks to a provider.
    enum Protocol_: Sendable, Hashable {
        /// OpenID Connect, found through `<issuer>/.well-known/openid-configuration`.
        case openID(issuer: String)
        /// GitHub's OAuth apps: fixed endpoints, no ID token; the user from `/user` and `/user/emails`.
        case github(GitHubEndpoints)
    }

    /// The protocol of this provider under `catalog`; `issuer` is the project's (only `oidc` uses it).
    func protocol_(catalog: SocialProviderCatalog, issuer: String?) -> Protocol_? {
        switch self {
        case .google: .openID(issuer: catalog.google)
        case .microsoft: .openID(issuer: catalog.microsoft)
        case .apple: .openID(issuer: catalog.apple)
        case .oidc: issuer.map { .openID(issuer: $0) }
        case .github: .github(catalog.github)
        }
    }

    /// The scopes asked for.
    var scope: String { self == .github ? "read:user user:email" : "openid email profile" }
}

/// GitHub's endpoints (replaced in tests by a fake's).
struct GitHubEndpoints: Sendable, Hashable {
    /// The authorization page.
    var authorize = "https://github.com/login/oauth/authorize"
    /// The token endpoint.
    var token = "https://github.com/login/oauth/access_token"
    /// The REST API's base (`/user`, `/user/emails`).
    var api = "https://api.github.com"
}

/// Where the built-in providers are: their issuers (discovery documents) and GitHub's endpoints. Tests point
/// them at a fake provider.
struct SocialProviderCatalog: Sendable, Hashable {
    /// Google's issuer.
    var google = "https://accounts.google.com"
    /// Microsoft's multi-tenant endpoint; its discovery document names the issuer with `{tenantid}`, which is
    /// matched against each token's `tid`.
    var microsoft = "https://login.microsoftonline.com/common/v2.0"
    /// Apple's issuer.
    var apple = "https://appleid.apple.com"
    /// GitHub's endpoints.
    var github = GitHubEndpoints()

    /// The real providers.
    static let standard = SocialProviderCatalog()
}
