import Contracts
import Foundation
import ServiceKit
import Wire

/// Social login (`docs/social-login.md`): provider configuration, the authorization-code flow with PKCE
/// towards the provider (``authorize(_:_:)``, ``callback(_:_:)`` in `SocialFlows+Callback.swift`), and the
/// app's own PKCE exchange of the one-time auth code for a session (``pkceGrant(_:_:)``).
final class SocialFlows: Sendable {
    let core: IdentityCore
    let providers: ProviderStore
    let flows: OAuthFlowStore
    let links: IdentityLinks
    let metadata: ProviderMetadata
    let http: ProviderHTTP
    let state: OAuthState
    let config: SocialConfig
    let logger: Logger

    init(
        core: IdentityCore, providers: ProviderStore, flows: OAuthFlowStore, links: IdentityLinks, http: ProviderHTTP,
        masterKey: [UInt8], config: SocialConfig, logger: Logger
    ) {
        self.core = core
        self.providers = providers
        self.flows = flows
        self.links = links
        self.http = http
        self.metadata = ProviderMetadata(http: http, config: config, clock: core.sessions.clock)
        self.state = OAuthState(masterKey: masterKey)
        self.config = config
        self.logger = logger
    }

    var clock: IdentityClock { core.sessions.clock }

    /// `identity.PutProvider`: validates and stores a provider's configuration (audited `provider_updated`).
    func putProvider(_ request: PutProviderRequest, _ context: CallContext) async throws -> ProviderView {
        let projectID = try IdentityContext.project(context)
        guard let provider = SocialProvider(rawValue: request.provider) else {
            throw PublicError.validation("provider", "The provider must be google, github, microsoft, apple or oidc.")
        }
        guard (1...512).contains(request.clientID.utf8.count) else {
            throw PublicError.validation("client_id", "The client id must be 1 to 512 bytes.")
        }
        guard (1...4096).contains(request.clientSecret.utf8.count) else {
            throw PublicError.validation("client_secret", "The client secret must be 1 to 4096 bytes.")
        }
        var issuer: String?
        if provider == .oidc {
            guard let given = request.issuer, LinkRedirect.isSafe(given), !given.contains("?"), !given.contains("#") else {
                throw PublicError.validation("issuer", "An oidc provider needs its issuer: an absolute http(s) URL.")
            }
            issuer = given
        } else if request.issuer != nil {
            throw PublicError.validation("issuer", "Only an oidc provider takes an issuer.")
        }
        let now = clock.now()
        try await providers.put(
            projectID: projectID, provider: provider, clientID: request.clientID, clientSecret: request.clientSecret,
            enabled: request.enabled, issuer: issuer, now: now)
        await core.audit.record(
            projectID: projectID, action: "provider_updated", userID: nil, ip: context.clientAddress,
            detail: "\(provider.rawValue) enabled=\(request.enabled)")
        let shown: String? = switch provider.protocol_(catalog: config.catalog, issuer: issuer) {
        case .openID(let issuer): issuer
        default: nil
        }
        return ProviderView(provider: provider.rawValue, clientID: request.clientID, enabled: request.enabled, issuer: shown, updatedAt: now)
    }

    /// `identity.Authorize`: checks the request, records a flow, and answers the provider's authorization URL.
    /// - Throws: `VALIDATION_FAILED` (`provider` unknown or not enabled, `redirect_to`, `code_challenge`,
    ///   `code_challenge_method`); `SERVICE_UNAVAILABLE` without a callback URL or when the provider's discovery
    ///   document cannot be had.
    func authorize(_ request: AuthorizeRequest, _ context: CallContext) async throws -> RedirectView {
        let projectID = try IdentityContext.project(context)
        guard let provider = SocialProvider(rawValue: request.provider),
              let settings = try await providers.config(projectID: projectID, provider: provider), settings.enabled
        else { throw PublicError.validation("provider", "This provider is not enabled for the project.") }
        guard request.codeChallengeMethod == "S256" else {
            throw PublicError.validation("code_challenge_method", "The code challenge method must be S256.")
        }
        guard PKCE.isWellFormedChallenge(request.codeChallenge) else {
            throw PublicError.validation("code_challenge", "The code challenge must be BASE64URL(SHA256(verifier)): 43 characters.")
        }
        let redirectTo = try SocialRedirect.validated(request.redirectTo, settings: try await core.settings.settings(projectID: projectID))
        guard let callbackURL = config.callbackURL else {
            throw PublicError(.serviceUnavailable, "Social login is not configured on this platform.")
        }
        let authorizationEndpoint: String
        switch provider.protocol_(catalog: config.catalog, issuer: settings.issuer) {
        case .openID(let issuer):
            do {
                authorizationEndpoint = try await metadata.discovery(issuer: issuer).authorizationEndpoint
            } catch {
                logger.warning("oauth discovery failed", metadata: [
                    .requestID: .string(context.requestID), .projectID: .string(projectID),
                    LogKey("oauth.provider"): .string(provider.rawValue), LogKey("oauth.reason"): .string(error.reason),
                ])
                throw PublicError(.serviceUnavailable, "The provider's discovery document could not be read.", retryAfter: 5)
            }
        case .github(let endpoints):
            authorizationEndpoint = endpoints.authorize
        case nil:
            throw PublicError.validation("provider", "This provider is not enabled for the project.")
        }
        let flow = OAuthFlowStore.Flow(
            id: RandomIdentifier.make("oaf"), projectID: projectID, provider: provider, redirectTo: redirectTo,
            codeChallenge: request.codeChallenge, providerVerifier: PKCE.makeVerifier(),
            nonce: Base64URL.encode(SecureRandom.bytes(24)))
        try await flows.start(flow, now: clock.now())
        await core.audit.record(
            projectID: projectID, action: "oauth_authorize", userID: nil, ip: context.clientAddress, detail: provider.rawValue)
        var query = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", callbackURL),
            ("scope", provider.scope), ("state", state.sign(flowID: flow.id)),
            ("code_challenge", PKCE.challenge(for: flow.providerVerifier)), ("code_challenge_method", "S256"),
        ]
        if provider != .github { query.append(("nonce", flow.nonce)) }
        // Apple answers with a form POST when an email is asked for (`POST /v1/auth/callback`).
        if provider == .apple { query.append(("response_mode", "form_post")) }
        return RedirectView(url: SocialRedirect.appending(query, to: authorizationEndpoint))
    }

    /// `identity.PKCEGrant`: spends the auth code (whatever happens next) and, when it is live and the
    /// verifier's S256 is its challenge, starts a session (`amr` `oauth`; `aal1` and MFA-gated like any
    /// sign-in). Audited `login` with detail `oauth:<provider>`.
    /// - Throws: `INVALID_TOKEN` for an unknown, used or expired code or a wrong verifier.
    func pkceGrant(_ request: PKCEGrantRequest, _ context: CallContext) async throws -> SessionView {
        let projectID = try IdentityContext.project(context)
        let invalid = PublicError(.invalidToken, "The auth code or the code verifier is invalid, used or expired.")
        guard RefreshToken.isWellFormed(request.authCode) else { throw invalid }
        guard let spent = try await flows.spendCode(
            projectID: projectID, hash: RefreshToken(text: request.authCode).hash, now: clock.now())
        else { throw invalid }
        guard !spent.expired, PKCE.isWellFormedVerifier(request.codeVerifier),
              ConstantTime.equals(PKCE.challenge(for: request.codeVerifier), spent.codeChallenge),
              let user = try await core.users.find(projectID: projectID, id: spent.userID)
        else {
            await core.audit.record(
                projectID: projectID, action: "login_failed", userID: spent.userID, ip: context.clientAddress,
                detail: "oauth code exchange refused")
            throw invalid
        }
        let session = try await core.sessions.issue(for: user, method: .oauth, context: context)
        await core.audit.record(
            projectID: projectID, action: "login", userID: user.id, ip: context.clientAddress, detail: "oauth:\(spent.provider)")
        return session
    }
}
