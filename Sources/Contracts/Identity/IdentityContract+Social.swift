import Foundation
import Wire

extension IdentityContract {
    /// `identity.PutProvider`: configures one social provider of the project (the client secret is sealed and
    /// never answered).
    public static let putProvider = MethodDescriptor<PutProviderRequest, ProviderView>(
        "identity.PutProvider", allowedCallers: .only(["router"]))
    /// `identity.Authorize`: starts a social sign-in; answers the provider's authorization URL (with a signed,
    /// single-use `state`, a `nonce` and the provider's own PKCE challenge).
    public static let authorize = MethodDescriptor<AuthorizeRequest, RedirectView>(
        "identity.Authorize", allowedCallers: .only(["router"]))
    /// `identity.OAuthCallback`: the provider's answer. Needs no project in the context (the state names it);
    /// answers where to send the browser (`redirect_to` with `?code=` or `?error=`). A used, forged or expired
    /// state is `INVALID_TOKEN` (the Router answers it 400, without a redirect).
    public static let oauthCallback = MethodDescriptor<OAuthCallbackRequest, RedirectView>(
        "identity.OAuthCallback", allowedCallers: .only(["router"]))
    /// `identity.PKCEGrant`: a one-time auth code and its PKCE verifier → session (`INVALID_TOKEN` otherwise).
    public static let pkceGrant = MethodDescriptor<PKCEGrantRequest, SessionView>(
        "identity.PKCEGrant", allowedCallers: .only(["router"]))
    /// `identity.ListIdentities`: the provider identities of the context's user.
    public static let listIdentities = MethodDescriptor<Empty, Page<IdentityView>>(
        "identity.ListIdentities", allowedCallers: .only(["router"]))
    /// `identity.UnlinkIdentity`: removes one (`CONFLICT` when it is the user's last way to sign in).
    public static let unlinkIdentity = MethodDescriptor<ProviderRequest, Empty>(
        "identity.UnlinkIdentity", allowedCallers: .only(["router"]))
}

/// `identity.PutProvider`'s request.
public struct PutProviderRequest: Codable, Sendable, Hashable {
    /// `google`, `github`, `microsoft`, `apple` or `oidc`.
    public var provider: String
    /// Our client id at the provider.
    public var clientID: String
    /// Our client secret at the provider (sealed at rest, never shown again).
    public var clientSecret: String
    /// Whether sign-ins may use it.
    public var enabled: Bool
    /// The issuer of an `oidc` provider (its discovery document is `<issuer>/.well-known/openid-configuration`).
    public var issuer: String?

    /// Creates a request.
    public init(provider: String, clientID: String, clientSecret: String, enabled: Bool, issuer: String? = nil) {
        self.provider = provider
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.enabled = enabled
        self.issuer = issuer
    }
}

/// A configured provider as answered (never the secret).
public struct ProviderView: Codable, Sendable, Hashable {
    /// The provider name.
    public var provider: String
    /// The client id.
    public var clientID: String
    /// Whether it is enabled.
    public var enabled: Bool
    /// The issuer (`oidc`; the built-in one for the others, nil for `github`).
    public var issuer: String?
    /// When it was last changed.
    public var updatedAt: Date

    /// Creates a view.
    public init(provider: String, clientID: String, enabled: Bool, issuer: String?, updatedAt: Date) {
        self.provider = provider
        self.clientID = clientID
        self.enabled = enabled
        self.issuer = issuer
        self.updatedAt = updatedAt
    }
}

/// `identity.Authorize`'s request: the app's PKCE challenge (S256) and where the browser goes afterwards.
public struct AuthorizeRequest: Codable, Sendable, Hashable {
    /// The provider name.
    public var provider: String
    /// Where to send the browser back (the project's site URL when nil).
    public var redirectTo: String?
    /// The app's `BASE64URL(SHA256(code_verifier))`.
    public var codeChallenge: String
    /// `S256` (the only method accepted).
    public var codeChallengeMethod: String

    /// Creates a request.
    public init(provider: String, redirectTo: String?, codeChallenge: String, codeChallengeMethod: String) {
        self.provider = provider
        self.redirectTo = redirectTo
        self.codeChallenge = codeChallenge
        self.codeChallengeMethod = codeChallengeMethod
    }
}

/// A URL the Router answers with `302 Location`.
public struct RedirectView: Codable, Sendable, Hashable {
    /// The absolute URL.
    public var url: String

    /// Creates a view.
    public init(url: String) { self.url = url }
}

/// `identity.OAuthCallback`'s request: the provider's query parameters.
public struct OAuthCallbackRequest: Codable, Sendable, Hashable {
    /// The signed state Identity sent.
    public var state: String
    /// The provider's authorization code (absent when the provider reports an error).
    public var code: String?
    /// The provider's `error` (e.g. `access_denied`).
    public var error: String?

    /// Creates a request.
    public init(state: String, code: String?, error: String? = nil) {
        self.state = state
        self.code = code
        self.error = error
    }
}

/// `identity.PKCEGrant`'s request.
public struct PKCEGrantRequest: Codable, Sendable, Hashable {
    /// The one-time auth code from the callback's redirect.
    public var authCode: String
    /// The verifier whose S256 challenge started the sign-in.
    public var codeVerifier: String

    /// Creates a request.
    public init(authCode: String, codeVerifier: String) {
        self.authCode = authCode
        self.codeVerifier = codeVerifier
    }
}

/// One provider identity of a user.
public struct IdentityView: Codable, Sendable, Hashable {
    /// The provider name.
    public var provider: String
    /// The provider's id of the user (`sub`, GitHub's numeric id).
    public var providerUserID: String
    /// The email the provider gave at the last sign-in.
    public var email: String?
    /// When it was linked.
    public var createdAt: Date

    /// Creates a view.
    public init(provider: String, providerUserID: String, email: String?, createdAt: Date) {
        self.provider = provider
        self.providerUserID = providerUserID
        self.email = email
        self.createdAt = createdAt
    }
}

/// Names one provider.
public struct ProviderRequest: Codable, Sendable, Hashable {
    /// The provider name.
    public var provider: String

    /// Creates a request.
    public init(provider: String) { self.provider = provider }
}

extension IdentityContract.Client {
    /// Calls `identity.PutProvider`.
    public func putProvider(_ request: PutProviderRequest, _ context: CallContext) async throws -> ProviderView {
        try await client.call(IdentityContract.putProvider, request, context)
    }
    /// Calls `identity.Authorize`.
    public func authorize(_ request: AuthorizeRequest, _ context: CallContext) async throws -> RedirectView {
        try await client.call(IdentityContract.authorize, request, context)
    }
    /// Calls `identity.OAuthCallback`.
    public func oauthCallback(_ request: OAuthCallbackRequest, _ context: CallContext) async throws -> RedirectView {
        try await client.call(IdentityContract.oauthCallback, request, context)
    }
    /// Calls `identity.PKCEGrant`.
    public func pkceGrant(_ request: PKCEGrantRequest, _ context: CallContext) async throws -> SessionView {
        try await client.call(IdentityContract.pkceGrant, request, context)
    }
    /// Calls `identity.ListIdentities`.
    public func listIdentities(_ context: CallContext) async throws -> Page<IdentityView> {
        try await client.call(IdentityContract.listIdentities, Empty(), context)
    }
    /// Calls `identity.UnlinkIdentity`.
    public func unlinkIdentity(_ request: ProviderRequest, _ context: CallContext) async throws {
        _ = try await client.call(IdentityContract.unlinkIdentity, request, context)
    }
}
