import Contracts
import Foundation
import Wire

/// `/v1/auth/*`: end-user identity, forwarded to IdentityService over Wire.
///
/// Each handler decodes and checks the body's shape at the edge (types, required fields, `data` an object),
/// calls Identity with the request's ``CallContext`` (project from the key; end user and session from the
/// verified bearer token) inside `request.upstream`, which maps the service's public errors to the contract's,
/// and renders the contract's JSON (``IdentityJSON``). The session-issuing and email-sending POSTs are not
/// idempotent: a session must never be replayed from the idempotency store. The exact per-address and
/// per-email limits (per hour, shared by every replica) are Identity's (it gets the client address in the
/// context); signup, magic link and recovery also meet the Router's per-address bucket (in memory, per
/// replica), which turns away a flood before it costs a Wire call.
struct IdentityRoutes {
    /// IdentityService's client (503 `SERVICE_UNAVAILABLE` when it is not configured).
    let identity: @Sendable () throws -> IdentityContract.Client
    /// The jwks body rendered once per key set.
    let jwksBodies = JWKSBodyCache()

    /// `?grant_type=` of `POST /v1/auth/token`.
    static let grantTypes = ["password", "refresh_token", "pkce"]

    /// The routes.
    var routes: [Route] { [
        Route(.post, "/v1/auth/signup", auth: .anyKey, tag: "auth",
              summary: "Create a user; returns a session unless the project requires email confirmation",
              body: SignupBody.self, response: .init(status: 201, schema: IdentitySchemas.signupResult),
              limitsByAddress: true, handler: signup),
        Route(.post, "/v1/auth/token", auth: .anyKey, tag: "auth",
              summary: "Get a session: ?grant_type=password with email and password, ?grant_type=refresh_token, or ?grant_type=pkce with auth_code and code_verifier",
              body: TokenBody.self,
              query: [QueryParameter(name: "grant_type", schema: ["type": "string", "enum": .array(Self.grantTypes.map(JSONValue.string))], required: true)], response: .init(status: 200, schema: IdentitySchemas.session),
              handler: token),
        Route(.post, "/v1/auth/magiclink", auth: .anyKey, tag: "auth",
              summary: "Email a one-time sign-in link and code (same answer whether or not the user exists)",
              body: EmailLinkBody.self, response: .init(status: 202, schema: IdentitySchemas.empty),
              limitsByAddress: true, handler: magicLink),
        Route(.post, "/v1/auth/verify", auth: .anyKey, tag: "auth",
              summary: "Spend a one-time token, or an email and code, for a session",
              body: VerifyBody.self, response: .init(status: 200, schema: IdentitySchemas.session),
              handler: verify),
        Route(.post, "/v1/auth/recover", auth: .anyKey, tag: "auth",
              summary: "Email a recovery link and code (same answer whether or not the user exists)",
              body: EmailLinkBody.self, response: .init(status: 202, schema: IdentitySchemas.empty),
              limitsByAddress: true, handler: recover),
        Route(.get, "/v1/auth/user", auth: .keyAndBearer, tag: "auth", summary: "The signed-in user",
              response: .init(status: 200, schema: IdentitySchemas.user), acceptsAAL1: true, handler: getUser),
        Route(.put, "/v1/auth/user", auth: .keyAndBearer, tag: "auth",
              summary: "Change the signed-in user's password and/or data",
              body: UpdateUserBody.self, response: .init(status: 200, schema: IdentitySchemas.user),
              handler: updateUser),
        Route(.post, "/v1/auth/logout", auth: .keyAndBearer, tag: "auth",
              summary: "End this session (local) or all the user's sessions (global)",
              body: LogoutBody.self, response: .init(status: 204, schema: nil), acceptsAAL1: true, handler: logout),
        Route(.get, "/v1/auth/jwks", auth: .anyKey, tag: "auth",
              summary: "The public keys access tokens are signed with (current and still-valid previous)",
              response: .init(status: 200, schema: IdentitySchemas.jwks), handler: jwks),
        Route(.get, "/v1/auth/admin/users", auth: .secretKey, tag: "auth-admin", summary: "List the project's users",
              query: Pagination.parameters, response: .init(status: 200, schema: Schemas.list(IdentitySchemas.user)),
              handler: listUsers),
        Route(.delete, "/v1/auth/admin/users/{id}", auth: .secretKey, tag: "auth-admin",
              summary: "Delete a user and end their sessions", response: .init(status: 204, schema: nil),
              handler: deleteUser),
        Route(.get, "/v1/auth/admin/audit", auth: .secretKey, tag: "auth-admin",
              summary: "The project's auth events, newest first",
              query: Pagination.parameters, response: .init(status: 200, schema: Schemas.list(IdentitySchemas.audit)),
              handler: listAudit),
        Route(.get, "/v1/auth/admin/settings", auth: .secretKey, tag: "auth-admin",
              summary: "The project's identity settings",
              response: .init(status: 200, schema: IdentitySchemas.settings), handler: getSettings),
        Route(.put, "/v1/auth/admin/settings", auth: .secretKey, tag: "auth-admin",
              summary: "Change the project's identity settings (fields left out are kept)",
              body: IdentitySettingsBody.self, response: .init(status: 200, schema: IdentitySchemas.settings),
              handler: updateSettings),
    ] + mfaRoutes + socialRoutes }

    /// `data` as the contract types carry it: the object's JSON text (the body type checked it is an object).
    static func dataText(_ data: JSONValue?) -> String? { data?.serialized }
}
