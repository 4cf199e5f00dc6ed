import Contracts
import Foundation
import Wire

/// The signed-in user's routes (bearer) and the public keys.
extension IdentityRoutes {
    @Sendable func getUser(_ context: RequestContext) async throws -> RouteResponse {
        let user = try await upstream { try await identity().getUser(context.callContext) }
        return .json(IdentityJSON.user(user))
    }

    @Sendable func updateUser(_ body: UpdateUserBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = UpdateUserRequest(password: body.password, data: Self.dataText(body.data))
        let user = try await upstream { try await identity().updateUser(call, context.callContext) }
        return .json(IdentityJSON.user(user))
    }

    @Sendable func logout(_ body: LogoutBody, _ context: RequestContext) async throws -> RouteResponse {
        let call = LogoutRequest(scope: body.scope ?? "local")
        try await upstream { try await identity().logout(call, context.callContext) }
        return .noContent
    }

    /// Asks Identity (not the Router's cache, which may lag a rotation by minutes) so clients see new keys at once;
    /// the JSON is rendered once per key set (``JWKSBodyCache``).
    @Sendable func jwks(_ context: RequestContext) async throws -> RouteResponse {
        let set = try await upstream { try await identity().publicKeys(context.callContext) }
        return .rawJSON(self.jwksBodies.body(for: set, now: Date()))
    }
}
