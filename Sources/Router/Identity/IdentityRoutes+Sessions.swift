import Contracts
import Foundation
import Wire

/// The routes that start sessions or send links: signup, token grants, magic link, verify, recover.
extension IdentityRoutes {
    @Sendable func signup(_ body: SignupBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = SignupRequest(email: body.email, password: body.password, data: Self.dataText(body.data))
        let answer = try await upstream { try await identity().signup(call, context.callContext) }
        var members: [(String, JSONValue)] = [("user", IdentityJSON.user(answer.user))]
        if let session = answer.session { members.append(("session", IdentityJSON.session(session))) }
        return .json(.object(members), status: 201)
    }

    @Sendable func token(_ body: TokenBody, _ context: RequestContext) async throws -> RouteResponse {
        let session: SessionView
        switch try context.query("grant_type") {
        case "password":
            guard let email = body.email else { throw RouterError.validation("email", "A required field is missing.") }
            guard let password = body.password else {
                throw RouterError.validation("password", "A required field is missing.")
            }
            let call = PasswordGrantRequest(email: email, password: password)
            session = try await upstream { try await identity().passwordGrant(call, context.callContext) }
        case "refresh_token":
            guard let refreshToken = body.refreshToken else {
                throw RouterError.validation("refresh_token", "A required field is missing.")
            }
            let call = RefreshGrantRequest(refreshToken: refreshToken)
            session = try await upstream { try await identity().refreshGrant(call, context.callContext) }
        case "pkce":
            guard let authCode = body.authCode else { throw RouterError.validation("auth_code", "A required field is missing.") }
            guard let verifier = body.codeVerifier else {
                throw RouterError.validation("code_verifier", "A required field is missing.")
            }
            let call = PKCEGrantRequest(authCode: authCode, codeVerifier: verifier)
            session = try await upstream { try await identity().pkceGrant(call, context.callContext) }
        default:
            throw RouterError.validation("grant_type", "grant_type must be password, refresh_token or pkce.")
        }
        return .json(IdentityJSON.session(session))
    }

    @Sendable func magicLink(_ body: EmailLinkBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = EmailLinkRequest(email: body.email, redirectTo: body.redirectTo)
        try await upstream { try await identity().magicLink(call, context.callContext) }
        return .json(.object([]), status: 202)
    }

    @Sendable func recover(_ body: EmailLinkBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = EmailLinkRequest(email: body.email, redirectTo: body.redirectTo)
        try await upstream { try await identity().recover(call, context.callContext) }
        return .json(.object([]), status: 202)
    }

    @Sendable func verify(_ body: VerifyBody, _ context: RequestContext) async throws -> RouteResponse {
        let call: VerifyRequest
        if let token = body.token {
            call = VerifyRequest(type: body.type, token: token)
        } else {
            call = VerifyRequest(type: body.type, email: body.email ?? "", code: body.code ?? "")
        }
        let session = try await upstream { try await identity().verify(call, context.callContext) }
        return .json(IdentityJSON.session(session))
    }
}
