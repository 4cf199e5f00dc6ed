import Contracts
import Foundation
import ServiceKit
import Wire

/// Social login (`docs/social-login.md`): a project's providers (secret key), the browser's trip to the provider
/// and back (`authorize` with a publishable key, which a browser may pass as `?apikey=`; `callback` keyed by
/// its signed state alone), and the signed-in user's identities. The session itself comes from
/// `POST /v1/auth/token?grant_type=pkce`, so tokens never travel in a URL.
extension IdentityRoutes {
    /// The social-login routes.
    var socialRoutes: [Route] { [
        Route(.put, "/v1/auth/admin/providers/{provider}", auth: .secretKey, tag: "auth-admin",
              summary: "Configure a social provider (google, github, microsoft, apple, oidc); the secret is sealed",
              body: ProviderBody.self, response: .init(status: 200, schema: IdentitySchemas.provider), handler: putProvider),
        Route(.get, "/v1/auth/authorize", auth: .keyOrQueryKey, tag: "auth",
              summary: "Start a social sign-in: 302 to the provider (PKCE S256 challenge of the app's verifier)",
              query: [
                  QueryParameter(name: "provider", schema: ["type": "string", "enum": .array(SocialProviders.names.map(JSONValue.string))], required: true),
                  QueryParameter(name: "redirect_to", schema: ["type": "string"]),
                  QueryParameter(name: "code_challenge", schema: ["type": "string", "minLength": 43, "maxLength": 43], required: true),
                  QueryParameter(name: "code_challenge_method", schema: ["type": "string", "enum": ["S256"]], required: true),
              ],
              response: .init(status: 302, schema: nil), limitsByAddress: true, handler: authorize),
        Route(.get, "/v1/auth/callback", auth: .none, tag: "auth",
              summary: "The provider's return: 302 to redirect_to with ?code= (or ?error=); a bad state is 400 INVALID_TOKEN",
              query: [
                  QueryParameter(name: "state", schema: ["type": "string"], required: true),
                  QueryParameter(name: "code", schema: ["type": "string"]),
                  QueryParameter(name: "error", schema: ["type": "string"]),
              ],
              response: .init(status: 302, schema: nil), limitsByAddress: true, deadline: .seconds(30), handler: callback),
        Route(.post, "/v1/auth/callback", auth: .none, tag: "auth",
              summary: "The provider's return as a form POST (Apple's response_mode=form_post): as the GET",
              response: .init(status: 302, schema: nil), rawBody: true, limitsByAddress: true, deadline: .seconds(30),
              handler: callbackForm),
        Route(.get, "/v1/auth/user/identities", auth: .keyAndBearer, tag: "auth",
              summary: "The signed-in user's provider identities",
              response: .init(status: 200, schema: Schemas.list(IdentitySchemas.identity)), handler: listIdentities),
        Route(.delete, "/v1/auth/user/identities/{provider}", auth: .keyAndBearer, tag: "auth",
              summary: "Unlink a provider identity (409 if it is the user's last way to sign in)",
              response: .init(status: 204, schema: nil), handler: unlinkIdentity),
    ] }

    @Sendable func putProvider(_ body: ProviderBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = PutProviderRequest(
            provider: context.parameter("provider"), clientID: body.clientID, clientSecret: body.clientSecret,
            enabled: body.enabled ?? true, issuer: body.issuer)
        let view = try await upstream { try await identity().putProvider(call, context.callContext) }
        return .json([
            "provider": .string(view.provider), "client_id": .string(view.clientID), "enabled": .bool(view.enabled),
            "issuer": .string(view.issuer), "updated_at": .date(view.updatedAt),
        ])
    }

    @Sendable func authorize(_ context: RequestContext) async throws -> RouteResponse {
        func required(_ name: String) throws -> String {
            guard let value = try context.query(name), !value.isEmpty else {
                throw RouterError.validation(name, "A required query parameter is missing.")
            }
            return value
        }
        let call = AuthorizeRequest(
            provider: try required("provider"), redirectTo: try context.query("redirect_to"),
            codeChallenge: try required("code_challenge"), codeChallengeMethod: try required("code_challenge_method"))
        let redirect = try await upstream { try await identity().authorize(call, context.callContext) }
        return Self.found(redirect.url)
    }

    @Sendable func callback(_ context: RequestContext) async throws -> RouteResponse {
        try await finishCallback(OAuthCallbackRequest(
            state: try context.query("state") ?? "", code: try context.query("code"), error: try context.query("error")), context)
    }

    /// `application/x-www-form-urlencoded` with `state`, `code`, `error` (415 for a body of another type; no body
    /// is an empty form, so a missing state).
    @Sendable func callbackForm(_ context: RequestContext) async throws -> RouteResponse {
        let type = context.request.headers["Content-Type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard context.request.body.isEmpty || type?.lowercased() == "application/x-www-form-urlencoded" else {
            throw RouterError(.unsupportedMediaType, "The body must be application/x-www-form-urlencoded.")
        }
        let form = PercentEncoding.formFields(Substring(String(decoding: context.request.body, as: UTF8.self)))
        return try await finishCallback(
            OAuthCallbackRequest(state: form["state"] ?? "", code: form["code"], error: form["error"]), context)
    }

    private func finishCallback(_ call: OAuthCallbackRequest, _ context: RequestContext) async throws -> RouteResponse {
        do {
            let redirect = try await identity().oauthCallback(call, context.callContext)
            return Self.found(redirect.url)
        } catch where PublicError.from(error)?.code == .invalidToken {
            // The contract's 400: the state is what makes redirect_to trustworthy, so there is nowhere to send the browser.
            return .json([
                "error": .string(PublicErrorCode.invalidToken.rawValue),
                "message": .string("The sign-in state is invalid, used or expired."), "request_id": .string(context.requestID),
            ], status: 400)
        } catch {
            throw UpstreamError.routerError(error)
        }
    }

    @Sendable func listIdentities(_ context: RequestContext) async throws -> RouteResponse {
        let page = try await upstream { try await identity().listIdentities(context.callContext) }
        return Pagination.page(page.data.map { identity in
            [
                "provider": .string(identity.provider), "provider_user_id": .string(identity.providerUserID),
                "email": .string(identity.email), "created_at": .date(identity.createdAt),
            ]
        }, next: nil)
    }

    @Sendable func unlinkIdentity(_ context: RequestContext) async throws -> RouteResponse {
        let call = ProviderRequest(provider: context.parameter("provider"))
        try await upstream { try await identity().unlinkIdentity(call, context.callContext) }
        return .noContent
    }

    /// `302 Found` to `url`, not cached.
    static func found(_ url: String) -> RouteResponse {
        RouteResponse(status: 302, body: nil, headers: [("Location", url), ("Cache-Control", "no-store")])
    }
}
