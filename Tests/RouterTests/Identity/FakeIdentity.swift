import Contracts
import Foundation
import ServiceKit
import Synchronization
import Wire
@testable import Router

/// An in-test IdentityService over mTLS: it publishes signing keys, serves revocations, and answers the user
/// routes with canned values or the contract's errors, recording the `CallContext` of each call.
final class FakeIdentity: Sendable {
    static let issuer = "https://identity.test"

    struct State {
        var keys: [String: Ed25519PrivateKey] = [:]
        var revoked: [RevokedSession] = []
        var publicKeysCalls = 0
        var contexts: [String: CallContext] = [:]
        var requests: [String: String] = [:]
    }

    let server: WireServer
    let state = Mutex(State())

    /// Starts a server named `identity` with the mesh's CA, publishing key `k1`.
    init(mesh: ReadyzMesh) throws {
        let issued = try mesh.ca.issue(serviceName: "identity", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        let tls = try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: mesh.ca.certificatePEM)
        self.server = WireServer(
            host: "127.0.0.1", port: 0, tls: tls, group: mesh.group,
            configuration: WireServer.Configuration(serviceName: "identity"))
        self.publish(kid: "k1")
        self.registerKeys()
        self.registerUserFlows()
        self.registerAdmin()
        self.registerMFA()
        try self.server.start()
    }

    /// Adds a signing key.
    func publish(kid: String) {
        self.state.withLock { $0.keys[kid] = Ed25519PrivateKey() }
    }

    /// Revokes a session (the Routers learn it from `identity.RevokedSessions`).
    func revoke(sessionID: String) {
        self.state.withLock { $0.revoked.append(RevokedSession(sessionID: sessionID, until: Date() + 3600)) }
    }

    var publicKeysCalls: Int { self.state.withLock { $0.publicKeysCalls } }

    /// The context of the last call of `method` (e.g. `identity.GetUser`).
    func context(_ method: String) -> CallContext? { self.state.withLock { $0.contexts[method] } }

    /// What the last call of `method` carried, as a short string.
    func request(_ method: String) -> String? { self.state.withLock { $0.requests[method] } }

    /// A token for `claims` signed with `kid` (a published key, or a fresh unpublished one).
    func token(_ claims: JWTClaims, kid: String = "k1") throws -> String {
        let key = self.state.withLock { $0.keys[kid] } ?? Ed25519PrivateKey()
        return try JWTSigner(kid: kid, privateKey: key).sign(claims)
    }

    /// Valid claims for `project`.
    static func claims(project: String, sub: String = "usr_1", sid: String = "ses_1", exp: Int? = nil, nbf: Int? = nil) -> JWTClaims {
        let now = Int(Date().timeIntervalSince1970)
        return JWTClaims(
            iss: issuer, sub: sub, aud: project, exp: exp ?? now + 3600, iat: now - 1, nbf: nbf, sid: sid,
            role: "authenticated", email: "ana@example.com")
    }

    static let user = UserView(
        id: "usr_1", email: "ana@example.com", emailConfirmedAt: nil, createdAt: Date(timeIntervalSince1970: 1_750_000_000),
        lastSignInAt: Date(timeIntervalSince1970: 1_750_000_100), data: #"{"plan":"pro"}"#)

    static func session(_ user: UserView = FakeIdentity.user) -> SessionView {
        SessionView(
            accessToken: "at", expiresIn: 3600, expiresAt: Date(timeIntervalSince1970: 1_750_003_600), refreshToken: "rt",
            user: user)
    }

    func record(_ method: String, _ context: CallContext, _ request: String = "") {
        self.state.withLock {
            $0.contexts[method] = context
            $0.requests[method] = request
        }
    }

    private func registerKeys() {
        self.server.register(IdentityContract.publicKeys) { _, _ in
            self.state.withLock { state in
                state.publicKeysCalls += 1
                return SigningKeySet(issuer: Self.issuer, keys: state.keys.sorted { $0.key < $1.key }.map {
                    PublicSigningKey(kid: $0.key, algorithm: "EdDSA", publicKey: $0.value.publicKey.rawRepresentation, retiresAt: nil)
                })
            }
        }
        self.server.register(IdentityContract.revokedSessions) { request, _ in
            self.state.withLock { state in
                let start = Int(request.cursor)
                return RevokedSessionsResponse(
                    sessions: start < state.revoked.count ? Array(state.revoked[start...]) : [],
                    cursor: Int64(state.revoked.count))
            }
        }
    }

    private func registerUserFlows() {
        self.server.register(IdentityContract.signup) { request, context in
            self.record("identity.Signup", context, request.data ?? "nil")
            if request.email == "taken@example.com" { throw PublicError(.conflict, "Taken.") }
            let user = UserView(
                id: "usr_2", email: request.email, emailConfirmedAt: nil, createdAt: Date(), lastSignInAt: nil,
                data: request.data ?? "{}")
            return SignupResponse(user: user, session: request.email == "confirm@example.com" ? nil : Self.session(user))
        }
        self.server.register(IdentityContract.passwordGrant) { request, context in
            self.record("identity.PasswordGrant", context, request.email)
            if request.email == "limited@example.com" {
                throw PublicError(.rateLimited, "Slow down.", retryAfter: 30, limit: "email")
            }
            guard request.password == "correct horse" else {
                throw PublicError(.invalidCredentials, "The email or password is wrong.")
            }
            return Self.session()
        }
        self.server.register(IdentityContract.refreshGrant) { request, context in
            self.record("identity.RefreshGrant", context, request.refreshToken)
            if request.refreshToken == "spent" {
                throw PublicError(.refreshTokenReused, "This refresh token was already used.")
            }
            return Self.session()
        }
        self.server.register(IdentityContract.magicLink) { request, context in
            self.record("identity.MagicLink", context, "\(request.email) \(request.redirectTo ?? "nil")")
            if request.email == "bad" { throw PublicError.validation("email", "The email is not valid.") }
            return Empty()
        }
        self.server.register(IdentityContract.recover) { request, context in
            self.record("identity.Recover", context, request.email)
            return Empty()
        }
        self.server.register(IdentityContract.verify) { request, context in
            self.record("identity.Verify", context, "\(request.type) \(request.token ?? "-") \(request.email ?? "-") \(request.code ?? "-")")
            if request.token == "used" { throw PublicError(.invalidToken, "The link is used.") }
            return Self.session()
        }
        self.server.register(IdentityContract.getUser) { _, context in
            self.record("identity.GetUser", context)
            var user = Self.user
            user.id = context.subject ?? "none"
            return user
        }
        self.server.register(IdentityContract.updateUser) { request, context in
            self.record("identity.UpdateUser", context, request.data ?? "nil")
            if request.password == "short" { throw PublicError.validation("password", "The password is too short.") }
            var user = Self.user
            user.data = request.data ?? user.data
            return user
        }
        self.server.register(IdentityContract.logout) { request, context in
            self.record("identity.Logout", context, request.scope)
            return Empty()
        }
    }

    private func registerAdmin() {
        self.server.register(IdentityContract.listUsers) { request, context in
            self.record("identity.ListUsers", context, "\(request.limit) \(request.cursor ?? "nil")")
            return Page(data: [Self.user], nextCursor: request.cursor == nil ? "c2" : nil)
        }
        self.server.register(IdentityContract.deleteUser) { request, context in
            self.record("identity.DeleteUser", context, request.id)
            if request.id == "usr_missing" { throw PublicError.notFound() }
            return Empty()
        }
        self.server.register(IdentityContract.listAudit) { request, context in
            self.record("identity.ListAudit", context)
            return Page(data: [AuditEventView(
                at: Date(timeIntervalSince1970: 1_750_000_000), action: "login", userID: "usr_1", ip: "10.0.0.1", detail: nil)],
                nextCursor: nil)
        }
        let settings = IdentitySettings(
            siteURL: "https://app.example.com", redirectAllowList: ["https://app.example.com/"], confirmEmail: false,
            accessTokenLifetime: 3600, magicLinkLifetime: 900, recoveryLifetime: 3600, confirmationLifetime: 86_400)
        self.server.register(IdentityContract.getSettings) { _, context in
            self.record("identity.GetSettings", context)
            return settings
        }
        self.server.register(IdentityContract.updateSettings) { request, context in
            self.record("identity.UpdateSettings", context)
            if let lifetime = request.accessTokenLifetime, lifetime < 60 {
                throw PublicError.validation("access_token_lifetime", "Too short.")
            }
            var updated = settings
            updated.confirmEmail = request.confirmEmail ?? settings.confirmEmail
            updated.accessTokenLifetime = request.accessTokenLifetime ?? settings.accessTokenLifetime
            return updated
        }
    }
}
