import Foundation
import ServiceKit
import Testing
import Wire
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Social login through the whole mesh (Router, IdentityService, PostgreSQL) against an OpenID provider the test
/// starts (`purrpurr up`'s development provider: its own RSA and P-256 keys, discovery, JWKS, authorize and
/// token endpoints, all real HTTP). The browser is played by a client that does not follow redirects.
@Suite("Social login end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct SocialLoginEndToEndTests {
    static let verifier = "mesh-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
    static let redirect = "http://localhost:3000/auth/done"

    /// The browser: plain HTTP/1.1, no redirects followed.
    final class Browser: Sendable {
        let group: EventLoopGroup
        let client: HTTPClient

        init() throws {
            group = try EventLoopGroup(loopCount: 1)
            client = try HTTPClient(group: group)
        }

        func get(_ url: String) async throws -> (status: Int, location: String?, body: String) {
            let response = try await client.send(try HTTPClientRequest(method: .get, url: url))
            return (response.status, response.headers["Location"], String(decoding: response.body, as: UTF8.self))
        }

        /// POSTs the URL's query as an `application/x-www-form-urlencoded` body to the URL without it.
        func postForm(_ url: String) async throws -> (status: Int, location: String?, body: String) {
            let parts = url.split(separator: "?", maxSplits: 1)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let request = try HTTPClientRequest(
                method: .post, url: String(parts[0]), headers: headers, body: Array((parts.count > 1 ? parts[1] : "").utf8))
            let response = try await client.send(request)
            return (response.status, response.headers["Location"], String(decoding: response.body, as: UTF8.self))
        }

        func close() {
            client.shutdown()
            group.syncShutdownGracefully()
        }
    }

    /// One trip: authorize at the Router, sign in at the provider as `email`, back to the Router's callback;
    /// answers the callback's URL and its answer.
    static func signIn(
        _ mesh: LocalMesh, _ browser: Browser, key: String, email: String, verified: Bool = true,
        challenge: String = PKCEChallenge.s256(verifier), post: Bool = false
    ) async throws -> (callbackURL: String, status: Int, location: String?, body: String) {
        let authorize = try await browser.get(mesh.baseURL + "/v1/auth/authorize?provider=oidc&apikey=\(key)"
            + "&redirect_to=\(PercentEncoding.encode(redirect))&code_challenge=\(challenge)&code_challenge_method=S256")
        try #require(authorize.status == 302, "authorize: \(authorize.status) \(authorize.body)")
        let atProvider = try #require(authorize.location)
        #expect(atProvider.contains("nonce=") && atProvider.contains("code_challenge=") && atProvider.contains("state="))
        let signedIn = try await browser.get(
            atProvider + "&login_hint=\(PercentEncoding.encode(email))" + (verified ? "" : "&email_verified=false"))
        let callbackURL = try #require(signedIn.location, "provider: \(signedIn.status) \(signedIn.body)")
        #expect(callbackURL.hasPrefix(mesh.baseURL + "/v1/auth/callback?"))
        let back = post ? try await browser.postForm(callbackURL) : try await browser.get(callbackURL)
        return (callbackURL, back.status, back.location, back.body)
    }

    /// The `name` query parameter of `url`.
    static func parameter(_ name: String, of url: String?) -> String? {
        guard let url, let query = url.split(separator: "?", maxSplits: 1).last else { return nil }
        return PercentEncoding.formFields(query)[name]
    }

    @Test("sign-in, PKCE exchange, replays refused, linking verified vs unverified, ID-token defects, rotation, unlink",
          .timeLimit(.minutes(4)))
    func flow() async throws {
        let mesh = try await LocalMesh.start()
        let browser = try Browser()
        let provider = try DevOIDCProvider.start(group: browser.group, clientID: "mesh-client", clientSecret: "mesh-secret")
        do {
            let project = try await mesh.createProject()
            let configured = try await mesh.http("PUT", "/v1/auth/admin/providers/oidc", key: project.secretKey, body: [
                "client_id": "mesh-client", "client_secret": "mesh-secret", "enabled": true, "issuer": provider.issuer,
            ])
            #expect(configured.status == 200, "\(configured.json)")
            #expect(configured.json["client_secret"] == nil)
            #expect(try await mesh.http("PUT", "/v1/auth/admin/providers/oidc", key: project.publishableKey,
                                        body: ["client_id": "x", "client_secret": "y"]).status == 403)

            // The whole flow: a new user, then the app's PKCE exchange.
            let first = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
            #expect(first.status == 302, "\(first.body) identity: \(mesh.log("identity").suffix(2000))")
            #expect(first.location?.hasPrefix(Self.redirect + "?code=") == true, "\(first.location ?? "")")
            let code = try #require(Self.parameter("code", of: first.location))
            let firstJWKSFetch = ContinuousClock.now
            let session = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=pkce", key: project.publishableKey,
                body: ["auth_code": code, "code_verifier": Self.verifier])
            #expect(session.status == 200, "\(session.json)")
            let token = try #require(session[string: "access_token"])
            let user = try #require(session[object: "user"])
            #expect(user["email"] as? String == "ana@example.test")
            #expect(user["email_confirmed_at"] is String)

            // The state and the auth code are single use.
            let replayedState = try await browser.get(first.callbackURL)
            #expect(replayedState.status == 400)
            #expect(replayedState.body.contains("INVALID_TOKEN"))
            let forged = try await browser.get(mesh.baseURL + "/v1/auth/callback?state=oaf_x.AAAA&code=x")
            #expect(forged.status == 400)

            // The same return as a form POST (Apple's response_mode=form_post).
            let posted = try await Self.signIn(
                mesh, browser, key: project.publishableKey, email: "ana@example.test", post: true)
            #expect(posted.status == 302)
            #expect(Self.parameter("code", of: posted.location) != nil, "\(posted.location ?? "") \(posted.body)")
            let replayedCode = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=pkce", key: project.publishableKey,
                body: ["auth_code": code, "code_verifier": Self.verifier])
            #expect(replayedCode.status == 401)
            #expect(replayedCode[string: "error"] == "INVALID_TOKEN")

            // A wrong verifier spends the code.
            let second = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
            let secondCode = try #require(Self.parameter("code", of: second.location))
            let wrong = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=pkce", key: project.publishableKey,
                body: ["auth_code": secondCode, "code_verifier": String(Self.verifier.reversed())])
            #expect(wrong.status == 401)
            let late = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=pkce", key: project.publishableKey,
                body: ["auth_code": secondCode, "code_verifier": Self.verifier])
            #expect(late.status == 401)

            // Identities, and the last way in cannot be unlinked.
            let identities = try await mesh.http("GET", "/v1/auth/user/identities", key: project.publishableKey, bearer: token)
            let list = try #require(identities.json["data"] as? [[String: Any]], "\(identities.json)")
            #expect(list.count == 1)
            #expect(list.first?["provider"] as? String == "oidc")
            #expect(list.first?["provider_user_id"] as? String == DevOIDCProvider.subject(of: "ana@example.test"))
            let last = try await mesh.http("DELETE", "/v1/auth/user/identities/oidc", key: project.publishableKey, bearer: token)
            #expect(last.status == 409)
            #expect(last[string: "error"] == "CONFLICT")

            // Linking: an unverified email never reaches an existing user; a verified one does.
            let bob = try await mesh.http("POST", "/v1/auth/signup", key: project.publishableKey,
                                          body: ["email": "bob@example.test", "password": "correct horse battery"])
            let bobID = try #require(bob[object: "user"]?["id"] as? String)
            let unverified = try await Self.signIn(
                mesh, browser, key: project.publishableKey, email: "bob@example.test", verified: false)
            #expect(Self.parameter("error", of: unverified.location) == "email_not_verified", "\(unverified.location ?? "")")
            let verified = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "bob@example.test")
            let bobCode = try #require(Self.parameter("code", of: verified.location), "\(verified.location ?? "")")
            let bobSession = try await mesh.http("POST", "/v1/auth/token?grant_type=pkce", key: project.publishableKey,
                                                 body: ["auth_code": bobCode, "code_verifier": Self.verifier])
            #expect(bobSession[object: "user"]?["id"] as? String == bobID)
            // An unverified email of nobody yet: a new, unconfirmed user.
            let carl = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "carl@example.test", verified: false)
            #expect(Self.parameter("code", of: carl.location) != nil, "\(carl.location ?? "")")

            // ES256 tokens verify too.
            provider.signingKeyID.withLock { $0 = "dev-ec-1" }
            let ec = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
            #expect(Self.parameter("code", of: ec.location) != nil, "\(ec.location ?? "")")
            provider.signingKeyID.withLock { $0 = "dev-rsa-1" }

            // Every ID-token defect ends the sign-in with error=invalid_id_token.
            let keys = provider.keys.withLock { $0 }
            let rsa = keys[0]
            let stranger = try JWSSigningKey.rs256(kid: "dev-rsa-1")
            guard case .rsa(let rsaKey) = rsa.material else { return }
            let defects: [(String, @Sendable ([String: Any]) throws -> String)] = [
                ("bad signature", { try stranger.sign(claims: $0) }),
                ("wrong aud", { var c = $0; c["aud"] = "someone-else"; return try rsa.sign(claims: c) }),
                ("wrong iss", { var c = $0; c["iss"] = "https://evil.example"; return try rsa.sign(claims: c) }),
                ("expired", { var c = $0; c["exp"] = Int(Date().timeIntervalSince1970) - 3600; c["iat"] = Int(Date().timeIntervalSince1970) - 3700; return try rsa.sign(claims: c) }),
                ("missing nonce", { var c = $0; c["nonce"] = nil; return try rsa.sign(claims: c) }),
                ("replayed nonce", { var c = $0; c["nonce"] = "an-earlier-sign-in"; return try rsa.sign(claims: c) }),
                ("alg none", { JWSSigningKey.signingInput(header: ["alg": "none"], claims: $0) + "." }),
                ("HS256 with the public key", {
                    let input = JWSSigningKey.signingInput(header: ["alg": "HS256", "kid": "dev-rsa-1"], claims: $0)
                    return input + "." + Base64URL.encode(HMACSHA256.authenticationCode(for: input, key: rsaKey.publicKeyDER))
                }),
            ]
            for (name, forge) in defects {
                provider.idTokenOverride.withLock { $0 = forge }
                let refused = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
                #expect(refused.status == 302, "\(name)")
                #expect(Self.parameter("error", of: refused.location) == "invalid_id_token", "\(name): \(refused.location ?? "")")
                #expect(Self.parameter("code", of: refused.location) == nil, "\(name)")
            }
            provider.idTokenOverride.withLock { $0 = nil }

            // The provider rotates its key: the unknown kid makes Identity fetch the JWKS again.
            let wait = firstJWKSFetch + .seconds(6) - ContinuousClock.now
            if wait > .zero { try await Task.sleep(for: wait) }
            try provider.rotate(kid: "dev-rsa-2")
            let rotated = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
            #expect(Self.parameter("code", of: rotated.location) != nil, "\(rotated.location ?? "")")

            // Another issuer behind `oidc` with the same `sub` never signs into the identity linked under the first.
            let other = try DevOIDCProvider.start(group: browser.group, clientID: "mesh-client", clientSecret: "mesh-secret")
            _ = try await mesh.http("PUT", "/v1/auth/admin/providers/oidc", key: project.secretKey, body: [
                "client_id": "mesh-client", "client_secret": "mesh-secret", "issuer": other.issuer,
            ])
            let impostor = try await Self.signIn(mesh, browser, key: project.publishableKey, email: "ana@example.test")
            #expect(Self.parameter("error", of: impostor.location) == "identity_conflict", "\(impostor.location ?? "")")
            await other.stop()

            // With a password, the identity may go.
            #expect(try await mesh.http("PUT", "/v1/auth/user", key: project.publishableKey, bearer: token,
                                        body: ["password": "another good password"]).status == 200)
            let unlinked = try await mesh.http("DELETE", "/v1/auth/user/identities/oidc", key: project.publishableKey, bearer: token)
            #expect(unlinked.status == 204, "\(unlinked.json)")

            let audit = try await mesh.http("GET", "/v1/auth/admin/audit?limit=200", key: project.secretKey)
            let actions = Set((audit.json["data"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String })
            for action in ["provider_updated", "oauth_authorize", "signup", "login", "identity_linked", "oauth_failed",
                           "identity_unlinked", "login_failed"] {
                #expect(actions.contains(action), "audit lacks \(action): \(actions)")
            }
        } catch {
            Issue.record("identity log: \(mesh.log("identity").suffix(3000))")
            await provider.stop()
            browser.close()
            try await mesh.stop()
            throw error
        }
        await provider.stop()
        browser.close()
        try await mesh.stop()
    }
}

/// RFC 7636's S256.
enum PKCEChallenge {
    static func s256(_ verifier: String) -> String { Base64URL.encode(SHA256.hash(verifier)) }
}
