import Contracts
import Foundation
import Wire

/// The routes that start sessions or send links: signup, token grants, magic link, verify, recover.
extension IdentityRoutes {
    private struct SignupBody: Decodable {
        let email: String
        let password: String
        let data: JSONValue?
    }
    private struct PasswordBody: Decodable {
        let email: String
        let password: String
    }
    private struct RefreshBody: Decodable { let refresh_token: String }
    private struct EmailLinkBody: Decodable {
        let email: String
        let redirect_to: String?
    }
    private struct VerifyBody: Decodable {
        let type: String
        let token: String?
        let email: String?
        let code: String?
    }

    @Sendable static func signup(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(SignupBody.self)
        let call = SignupRequest(email: body.email, password: body.password, data: try dataText(body.data))
        let answer = try await request.upstream { try await request.identity().signup(call, request.callContext) }
        var members: [(String, JSONValue)] = [("user", IdentityJSON.user(answer.user))]
        if let session = answer.session { members.append(("session", IdentityJSON.session(session))) }
        return .json(.object(members), status: 201)
    }

    @Sendable static func token(_ request: RouteRequest) async throws -> RouteResponse {
        let session: SessionView
        switch query(request, "grant_type") {
        case "password":
            let body = try request.decode(PasswordBody.self)
            let call = PasswordGrantRequest(email: body.email, password: body.password)
            session = try await request.upstream { try await request.identity().passwordGrant(call, request.callContext) }
        case "refresh_token":
            let body = try request.decode(RefreshBody.self)
            let call = RefreshGrantRequest(refreshToken: body.refresh_token)
            session = try await request.upstream { try await request.identity().refreshGrant(call, request.callContext) }
        default:
            throw RouterError.validation("grant_type", "grant_type must be password or refresh_token.")
        }
        return .json(IdentityJSON.session(session))
    }

    @Sendable static func magicLink(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(EmailLinkBody.self)
        let call = EmailLinkRequest(email: body.email, redirectTo: body.redirect_to)
        try await request.upstream { try await request.identity().magicLink(call, request.callContext) }
        return .json(.object([]), status: 202)
    }

    @Sendable static func recover(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(EmailLinkBody.self)
        let call = EmailLinkRequest(email: body.email, redirectTo: body.redirect_to)
        try await request.upstream { try await request.identity().recover(call, request.callContext) }
        return .json(.object([]), status: 202)
    }

    @Sendable static func verify(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(VerifyBody.self)
        guard ["magiclink", "signup", "recovery"].contains(body.type) else {
            throw RouterError.validation("type", "type must be magiclink, signup or recovery.")
        }
        let call: VerifyRequest
        if let token = body.token {
            call = VerifyRequest(type: body.type, token: token)
        } else if let email = body.email, let code = body.code {
            call = VerifyRequest(type: body.type, email: email, code: code)
        } else {
            throw RouterError.validation(
                body.email == nil ? "token" : "code", "Send either token, or email and code.")
        }
        let session = try await request.upstream { try await request.identity().verify(call, request.callContext) }
        return .json(IdentityJSON.session(session))
    }
}
