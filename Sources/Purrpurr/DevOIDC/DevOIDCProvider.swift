import Foundation
import ServiceKit
import Synchronization
import Wire

/// A tiny OpenID provider for local development (`purrpurr up`) and the tests' fake provider: discovery,
/// JWKS (an RSA and a P-256 key), an authorization endpoint that signs in **whoever you name**
/// (`login_hint=ada@example.com`, or a small form when there is none; `email_verified=false` to try the
/// unverified case), and a token endpoint that checks the code, `redirect_uri`, client id and secret and the
/// PKCE verifier (S256), and answers an ID token (`RS256` by default) with `iss`, `sub`, `aud`, `exp`, `iat`,
/// `nonce`, `email`, `email_verified`.
///
/// ```swift
/// let provider = try DevOIDCProvider.start(group: group, clientID: "purrpurr-dev", clientSecret: "dev-secret")
/// // issuer: provider.issuer — configure it as the project's `oidc` provider
/// await provider.stop()
/// ```
///
/// It speaks real HTTP; it is not a mock. It is not a production provider either: it authenticates nobody.
final class DevOIDCProvider: HTTPResponder, Sendable {
    /// The client it serves.
    let clientID: String
    let clientSecret: String
    /// The signing keys: `keys[0]` signs unless ``signingKeyID`` names another.
    let keys: Mutex<[JWSSigningKey]>
    /// The kid tokens are signed with.
    let signingKeyID: Mutex<String>
    /// Tests replace the ID token: given the claims the provider would sign, answer the compact token to send.
    let idTokenOverride = Mutex<(@Sendable ([String: Any]) throws -> String)?>(nil)
    private let issuerURL = Mutex("")
    private let codes = Mutex<[String: Grant]>([:])
    private let server = Mutex<HTTPServer?>(nil)

    /// What an authorization code stands for.
    struct Grant: Sendable {
        let redirectURI: String
        let nonce: String?
        let challenge: String?
        let email: String
        let emailVerified: Bool
    }

    init(clientID: String, clientSecret: String) throws {
        self.clientID = clientID
        self.clientSecret = clientSecret
        let rsa = try JWSSigningKey.rs256(kid: "dev-rsa-1")
        self.keys = Mutex([rsa, try JWSSigningKey.es256(kid: "dev-ec-1")])
        self.signingKeyID = Mutex(rsa.kid)
    }

    /// Starts a provider on `127.0.0.1` (`port` 0: any free port).
    static func start(group: EventLoopGroup, port: Int = 0, clientID: String, clientSecret: String) throws -> DevOIDCProvider {
        let provider = try DevOIDCProvider(clientID: clientID, clientSecret: clientSecret)
        let server = try HTTPServer(host: "127.0.0.1", port: port, group: group, responder: provider)
        provider.issuerURL.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        provider.server.withLock { $0 = server }
        return provider
    }

    /// `http://127.0.0.1:<port>`.
    var issuer: String { issuerURL.withLock { $0 } }

    /// The port it listens on.
    var port: Int { server.withLock { $0?.port ?? 0 } }

    /// Stops serving.
    func stop() async {
        if let server = server.withLock({ $0 }) { await server.shutdown(timeout: .seconds(1)) }
    }

    /// Adds a new key of the same kind as the current one and signs with it from now on (key rotation); the old
    /// key stays published.
    func rotate(kid: String) throws {
        let key = try JWSSigningKey.rs256(kid: kid)
        keys.withLock { $0.append(key) }
        signingKeyID.withLock { $0 = kid }
    }

    /// The `sub` of `email`: stable, opaque.
    static func subject(of email: String) -> String {
        "dev-" + Base64URL.encode(SHA256.hash(email.lowercased())).prefix(22)
    }

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        let query = PercentEncoding.formFields(request.query ?? "")
        switch (request.method, String(request.path)) {
        case (.get, "/.well-known/openid-configuration"):
            return Self.json([
                "issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
                "jwks_uri": issuer + "/jwks", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"], "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
            ])
        case (.get, "/jwks"):
            var response = HTTPResponse(status: .ok, body: JWSSigningKey.jwks(keys.withLock { $0 }))
            response.headers.add(name: "Content-Type", value: "application/json")
            return response
        case (.get, "/authorize"):
            return authorize(query)
        case (.post, "/token"):
            return token(PercentEncoding.formFields(Substring(String(decoding: request.body, as: UTF8.self))))
        default:
            return Self.json(["error": "not_found"], status: 404)
        }
    }

    private func authorize(_ query: [String: String]) -> HTTPResponse {
        guard query["client_id"] == clientID, let redirectURI = query["redirect_uri"], let state = query["state"] else {
            return Self.json(["error": "invalid_request", "error_description": "client_id, redirect_uri and state are required"], status: 400)
        }
        guard let email = query["login_hint"], !email.isEmpty else { return Self.form(query) }
        let code = Base64URL.encode(SecureRandom.bytes(24))
        codes.withLock {
            $0[code] = Grant(
                redirectURI: redirectURI, nonce: query["nonce"], challenge: query["code_challenge"], email: email,
                emailVerified: query["email_verified"] != "false")
        }
        let separator = redirectURI.contains("?") ? "&" : "?"
        var response = HTTPResponse(status: .init(code: 302))
        response.headers.add(
            name: "Location", value: redirectURI + separator + "code=\(PercentEncoding.encode(code))&state=\(PercentEncoding.encode(state))")
        return response
    }

    private func token(_ form: [String: String]) -> HTTPResponse {
        func refuse(_ error: String) -> HTTPResponse { Self.json(["error": error], status: 400) }
        guard form["grant_type"] == "authorization_code" else { return refuse("unsupported_grant_type") }
        guard form["client_id"] == clientID, form["client_secret"] == clientSecret else { return refuse("invalid_client") }
        guard let code = form["code"], let grant = codes.withLock({ $0.removeValue(forKey: code) }),
              form["redirect_uri"] == grant.redirectURI
        else { return refuse("invalid_grant") }
        if let challenge = grant.challenge {
            guard let verifier = form["code_verifier"], Base64URL.encode(SHA256.hash(verifier)) == challenge else {
                return refuse("invalid_grant")
            }
        }
        let now = Int(Date().timeIntervalSince1970)
        var claims: [String: Any] = [
            "iss": issuer, "sub": Self.subject(of: grant.email), "aud": clientID, "iat": now, "exp": now + 300,
            "email": grant.email, "email_verified": grant.emailVerified,
        ]
        if let nonce = grant.nonce { claims["nonce"] = nonce }
        let idToken: String
        do {
            if let override = idTokenOverride.withLock({ $0 }) {
                idToken = try override(claims)
            } else {
                let kid = signingKeyID.withLock { $0 }
                guard let key = keys.withLock({ $0.first { $0.kid == kid } }) else { return refuse("server_error") }
                idToken = try key.sign(claims: claims)
            }
        } catch {
            return Self.json(["error": "server_error"], status: 500)
        }
        return Self.json([
            "access_token": Base64URL.encode(SecureRandom.bytes(24)), "token_type": "Bearer", "expires_in": 300,
            "id_token": idToken, "scope": "openid email profile",
        ])
    }

    /// The sign-in form: the same parameters back to `/authorize`, plus the email to sign in as.
    private static func form(_ query: [String: String]) -> HTTPResponse {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        let hidden = query.sorted { $0.key < $1.key }
            .map { "<input type=\"hidden\" name=\"\(escape($0.key))\" value=\"\(escape($0.value))\">" }.joined()
        let html = """
            <!doctype html><meta charset="utf-8"><title>Purrpurr dev sign-in</title>
            <h1>Purrpurr development provider</h1><p>Sign in as anyone: nothing is checked.</p>
            <form method="get" action="/authorize">\(hidden)
            <label>Email <input name="login_hint" type="email" required autofocus></label>
            <label><input type="checkbox" name="email_verified" value="false"> email not verified</label>
            <button>Sign in</button></form>
            """
        var response = HTTPResponse(status: .ok, body: Array(html.utf8))
        response.headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        return response
    }

    private static func json(_ object: [String: Any], status: Int = 200) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        var response = HTTPResponse(status: .init(code: status), body: Array(body))
        response.headers.add(name: "Content-Type", value: "application/json")
        response.headers.add(name: "Cache-Control", value: "no-store")
        return response
    }
}
