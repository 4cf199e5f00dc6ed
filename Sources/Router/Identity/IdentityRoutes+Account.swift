import Contracts
import Foundation
import Wire

/// The signed-in user's routes (bearer) and the public keys.
extension IdentityRoutes {
    private struct UpdateUserBody: Decodable {
        let password: String?
        let data: JSONValue?
    }
    private struct LogoutBody: Decodable { let scope: String? }

    @Sendable static func getUser(_ request: RouteRequest) async throws -> RouteResponse {
        let user = try await request.upstream { try await request.identity().getUser(request.callContext) }
        return .json(IdentityJSON.user(user))
    }

    @Sendable static func updateUser(_ request: RouteRequest) async throws -> RouteResponse {
        let body = try request.decode(UpdateUserBody.self)
        let call = UpdateUserRequest(password: body.password, data: try dataText(body.data))
        let user = try await request.upstream { try await request.identity().updateUser(call, request.callContext) }
        return .json(IdentityJSON.user(user))
    }

    @Sendable static func logout(_ request: RouteRequest) async throws -> RouteResponse {
        let scope = try request.decode(LogoutBody.self).scope ?? "local"
        guard scope == "local" || scope == "global" else {
            throw RouterError.validation("scope", "scope must be local or global.")
        }
        try await request.upstream { try await request.identity().logout(LogoutRequest(scope: scope), request.callContext) }
        return .noContent
    }

    /// Asks Identity (not the Router's cache, which may lag a rotation by minutes) so clients see new keys at once.
    @Sendable static func jwks(_ request: RouteRequest) async throws -> RouteResponse {
        let set = try await request.upstream { try await request.identity().publicKeys(request.callContext) }
        return .json(IdentityJSON.jwks(set, now: Date()))
    }
}
