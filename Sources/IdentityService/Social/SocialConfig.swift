import ServiceKit

/// Social login's settings from the environment.
struct SocialConfig: Sendable {
    /// `IDENTITY_OAUTH_CALLBACK_URL`: the public URL of the Router's `GET /v1/auth/callback`
    /// (e.g. `https://api.example.com/v1/auth/callback`), registered as the redirect URI at every provider.
    /// Unset: `GET /v1/auth/authorize` answers 503.
    var callbackURL: String?
    /// `OUTBOUND_ALLOW_PRIVATE_NETWORKS`: providers (an `oidc` issuer, token and JWKS endpoints) may be on
    /// loopback or private networks and use `http://` (local development, `purrpurr up`).
    var allowsPrivateNetworks = false
    /// Where the built-in providers are (tests replace it).
    var catalog = SocialProviderCatalog.standard
    /// How long discovery documents and key sets are cached, seconds.
    var metadataLifetime: Double = 3600
    /// The least time between two fetches of one key set for an unknown `kid`, seconds.
    var keyRefetchInterval: Double = 5

    /// Defaults (tests).
    init(callbackURL: String? = nil, allowsPrivateNetworks: Bool = false, catalog: SocialProviderCatalog = .standard) {
        self.callbackURL = callbackURL
        self.allowsPrivateNetworks = allowsPrivateNetworks
        self.catalog = catalog
    }

    /// Reads `IDENTITY_OAUTH_CALLBACK_URL` (an absolute http(s) URL) and `OUTBOUND_ALLOW_PRIVATE_NETWORKS`.
    init(reading reader: inout EnvironmentReader) {
        if let url = reader.raw("IDENTITY_OAUTH_CALLBACK_URL"), !url.isEmpty {
            if LinkRedirect.isSafe(url) {
                callbackURL = url
            } else {
                reader.record("IDENTITY_OAUTH_CALLBACK_URL", .malformed, expected: "an absolute http(s) URL")
            }
        }
        allowsPrivateNetworks = OutboundPolicy.allowsPrivateNetworks(reading: &reader)
    }
}
