import Contracts
import Foundation
import ServiceKit
import Wire

/// `identity.OAuthCallback`: the provider's answer, turned into a one-time auth code for the app.
extension SocialFlows {
    /// 400 `INVALID_TOKEN` (the Router answers it without a redirect): `redirect_to` cannot be trusted.
    static let invalidState = PublicError(.invalidToken, "The sign-in state is invalid, used or expired.")

    /// Checks the state's signature, spends its flow, then — unless the provider reported an error — exchanges
    /// the code at the token endpoint (with the flow's PKCE verifier), verifies the ID token (OpenID) or reads
    /// GitHub's user and verified primary email, links or creates the user (``IdentityLinks``) and answers
    /// `redirect_to?code=<auth code>`. Every failure after the state is spent answers
    /// `redirect_to?error=…&error_description=…` and is audited `oauth_failed`.
    /// - Throws: `INVALID_TOKEN` for a forged, used or expired state.
    func callback(_ request: OAuthCallbackRequest, _ context: CallContext) async throws -> RedirectView {
        guard let flowID = state.flowID(of: request.state), let flow = try await flows.spend(id: flowID, now: clock.now()) else {
            throw Self.invalidState
        }
        do throws(SocialFailure) {
            if let error = request.error {
                throw SocialFailure(error: Self.sanitized(error), description: "The provider refused the sign-in.")
            }
            guard let code = request.code, !code.isEmpty, code.utf8.count <= 2048 else {
                throw SocialFailure(error: "invalid_request", description: "The provider sent no code.")
            }
            let user = try await providerUser(flow: flow, code: code)
            let outcome: IdentityLinks.Outcome
            do {
                outcome = try await links.resolve(user, projectID: flow.projectID, now: clock.now())
            } catch {
                throw SocialFailure(error: "server_error", description: "The user could not be stored.")
            }
            switch outcome {
            case .refused(let reason):
                throw SocialFailure(error: reason, description: Self.describe(reason))
            case .user(let record, let action):
                if action != "login" {
                    await core.audit.record(
                        projectID: flow.projectID, action: action, userID: record.id, ip: context.clientAddress,
                        detail: action == "signup" ? "oauth:\(flow.provider.rawValue)" : flow.provider.rawValue)
                }
                let authCode: String
                do {
                    authCode = try await flows.issueCode(
                        projectID: flow.projectID, userID: record.id, provider: flow.provider,
                        codeChallenge: flow.codeChallenge, now: clock.now())
                } catch {
                    throw SocialFailure(error: "server_error", description: "The sign-in could not be completed.")
                }
                return RedirectView(url: SocialRedirect.appending([("code", authCode)], to: flow.redirectTo))
            }
        } catch {
            await core.audit.record(
                projectID: flow.projectID, action: "oauth_failed", userID: nil, ip: context.clientAddress,
                detail: "\(flow.provider.rawValue): \(error.error)\(error.detail.map { " (\($0))" } ?? "")")
            logger.info("oauth sign-in failed", metadata: [
                .requestID: .string(context.requestID), .projectID: .string(flow.projectID),
                LogKey("oauth.provider"): .string(flow.provider.rawValue), LogKey("oauth.error"): .string(error.error),
                LogKey("oauth.reason"): .string(error.detail ?? ""),
            ])
            return RedirectView(url: SocialRedirect.appending(
                [("error", error.error), ("error_description", error.description)], to: flow.redirectTo))
        }
    }

    /// Exchanges `code` and reads who the provider says signed in.
    private func providerUser(flow: OAuthFlowStore.Flow, code: String) async throws(SocialFailure) -> IdentityLinks.ProviderUser {
        let settings: ProviderStore.Config
        do {
            guard let found = try await providers.config(projectID: flow.projectID, provider: flow.provider), found.enabled else {
                throw SocialFailure(error: "provider_disabled", description: "The provider is no longer enabled.")
            }
            settings = found
        } catch let failure as SocialFailure {
            throw failure
        } catch {
            throw SocialFailure(error: "server_error", description: "The provider's settings could not be read.")
        }
        guard let callbackURL = config.callbackURL,
              let protocol_ = flow.provider.protocol_(catalog: config.catalog, issuer: settings.issuer)
        else { throw SocialFailure(error: "server_error", description: "Social login is not configured.") }
        switch protocol_ {
        case .openID(let issuer):
            let discovery = try await reach { () throws(ProviderFailure) in try await metadata.discovery(issuer: issuer) }
            let tokens = try await reach { () throws(ProviderFailure) in
                try await exchange(code, at: discovery.tokenEndpoint, flow: flow, settings: settings, callbackURL: callbackURL)
            }
            guard let idToken = tokens["id_token"] as? String else {
                throw SocialFailure(error: "invalid_id_token", description: "The provider sent no ID token.")
            }
            let keys = try await reach { () throws(ProviderFailure) in
                try await metadata.keys(uri: discovery.jwksURI, needing: IDTokenVerifier.keyID(of: idToken))
            }
            let verifier = IDTokenVerifier(issuer: discovery.issuer, clientID: settings.clientID)
            let claims: IDTokenClaims
            do {
                claims = try verifier.verify(idToken, keys: keys, nonce: flow.nonce, now: clock.now())
            } catch {
                throw SocialFailure(
                    error: "invalid_id_token", description: "The provider's ID token was refused.", detail: error.description)
            }
            return .init(
                provider: flow.provider, issuer: claims.issuer, id: claims.subject, email: claims.email,
                emailVerified: claims.emailVerified)
        case .github(let endpoints):
            let tokens = try await reach { () throws(ProviderFailure) in
                try await exchange(code, at: endpoints.token, flow: flow, settings: settings, callbackURL: callbackURL)
            }
            guard let accessToken = tokens["access_token"] as? String else {
                throw SocialFailure(error: "server_error", description: "GitHub sent no access token.")
            }
            return try await reach { () throws(ProviderFailure) in
                try await GitHubUser.fetch(api: endpoints.api, accessToken: accessToken, http: http)
            }
        }
    }

    /// Runs a call to the provider; its failure ends the sign-in with `server_error`.
    private func reach<T>(_ body: () async throws(ProviderFailure) -> T) async throws(SocialFailure) -> T {
        do {
            return try await body()
        } catch {
            throw SocialFailure(error: "server_error", description: "The provider could not be reached.", detail: error.reason)
        }
    }

    /// The token endpoint's answer to the code (client secret in the form, `client_secret_post`).
    private func exchange(
        _ code: String, at endpoint: String, flow: OAuthFlowStore.Flow, settings: ProviderStore.Config, callbackURL: String
    ) async throws(ProviderFailure) -> [String: Any] {
        try await http.postForm(endpoint, [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", callbackURL),
            ("client_id", settings.clientID), ("client_secret", settings.clientSecret),
            ("code_verifier", flow.providerVerifier),
        ])
    }

    /// A provider's `error` reduced to `[a-z0-9_]` (at most 64), so nothing else reaches the app's URL.
    static func sanitized(_ error: String) -> String {
        let kept = String(error.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }.prefix(64))
        return kept.isEmpty ? "access_denied" : kept
    }

    private static func describe(_ reason: String) -> String {
        switch reason {
        case "email_not_verified": "The provider has not verified this email, and a user already has it."
        case "email_missing": "The provider shared no usable email."
        default: "This identity is already linked to another user."
        }
    }
}

/// Why a social sign-in ended with `?error=`: the contract's `error` code, the human `error_description`, and a
/// log-safe `detail` for the audit log (an ``IDTokenError`` name, a provider failure).
struct SocialFailure: Error, Sendable, CustomStringConvertible {
    let error: String
    let description: String
    var detail: String?

    init(error: String, description: String, detail: String? = nil) {
        self.error = error
        self.description = description
        self.detail = detail
    }
}
