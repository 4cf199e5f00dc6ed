import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("/v1/auth routes", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct IdentityRoutesTests {
    private func post(_ fixture: IdentityFixture, _ target: String, _ body: String, key: String? = nil) async throws
        -> TestHTTPClient.Response
    {
        try await fixture.send("POST", target, token: nil, key: key, body: body)
    }

    @Test("signup: 201 user and session; data must be an object; confirmation leaves out the session")
    func signup() async throws {
        let fixture = try await IdentityFixture()
        let created = try await post(fixture, "/v1/auth/signup", #"{"email":"new@example.com","password":"p4ssword!","data":{"plan":"pro"}}"#)
        #expect(created.status == 201)
        let user = try #require(created.json["user"] as? [String: Any])
        #expect(Set(user.keys) == ["id", "email", "email_confirmed_at", "created_at", "last_sign_in_at", "data"])
        #expect((user["data"] as? [String: Any])?["plan"] as? String == "pro")
        #expect(user["email_confirmed_at"] is NSNull)
        let session = try #require(created.json["session"] as? [String: Any])
        #expect(Set(session.keys) == ["access_token", "token_type", "expires_in", "expires_at", "refresh_token", "user"])
        #expect(session["token_type"] as? String == "bearer")
        #expect(session["expires_in"] as? Int == 3600)
        #expect(fixture.identity.request("identity.Signup") == #"{"plan":"pro"}"#)
        let context = try #require(fixture.identity.context("identity.Signup"))
        #expect(context.projectID == fixture.project.id && context.clientAddress == "127.0.0.1")

        let confirm = try await post(fixture, "/v1/auth/signup", #"{"email":"confirm@example.com","password":"p4ssword!"}"#)
        #expect(confirm.status == 201)
        #expect(confirm.json["session"] == nil)
        for (body, field) in [
            (#"{"email":"a@example.com","password":"p4ssword!","data":[1]}"#, "data"),
            (#"{"email":"a@example.com","password":"p4ssword!","data":"x"}"#, "data"),
            (#"{"password":"p4ssword!"}"#, "email"), (#"{"email":"a@example.com","password":5}"#, "password"),
        ] {
            let refused = try await post(fixture, "/v1/auth/signup", body)
            #expect(refused.status == 400, "\(body)")
            #expect(refused.json["error"] as? String == "VALIDATION_FAILED")
            #expect(refused.json["field"] as? String == field, "\(body)")
        }
        let conflict = try await post(fixture, "/v1/auth/signup", #"{"email":"taken@example.com","password":"p4ssword!"}"#)
        #expect(conflict.status == 409)
        #expect(conflict.json["error"] as? String == "CONFLICT")
        #expect(try await post(fixture, "/v1/auth/signup", "{nope").json["error"] as? String == "MALFORMED_JSON")
        await fixture.shutdown()
    }

    @Test("token: grant types, INVALID_CREDENTIALS, REFRESH_TOKEN_REUSED, RATE_LIMITED with Retry-After")
    func token() async throws {
        let fixture = try await IdentityFixture()
        let good = try await post(fixture, "/v1/auth/token?grant_type=password", #"{"email":"ana@example.com","password":"correct horse"}"#)
        #expect(good.status == 200)
        #expect(good.json["access_token"] as? String == "at")
        let wrong = try await post(fixture, "/v1/auth/token?grant_type=password", #"{"email":"ana@example.com","password":"nope"}"#)
        #expect(wrong.status == 401)
        #expect(wrong.json["error"] as? String == "INVALID_CREDENTIALS")
        let limited = try await post(fixture, "/v1/auth/token?grant_type=password", #"{"email":"limited@example.com","password":"x"}"#)
        #expect(limited.status == 429)
        #expect(limited.json["error"] as? String == "RATE_LIMITED")
        #expect(limited.json["retry_after"] as? Int == 30)
        #expect(limited.json["limit"] as? String == "email")
        #expect(limited.header("Retry-After") == "30")
        let refreshed = try await post(fixture, "/v1/auth/token?grant_type=refresh_token", #"{"refresh_token":"rt"}"#)
        #expect(refreshed.status == 200)
        let reused = try await post(fixture, "/v1/auth/token?grant_type=refresh_token", #"{"refresh_token":"spent"}"#)
        #expect(reused.status == 401)
        #expect(reused.json["error"] as? String == "REFRESH_TOKEN_REUSED")
        for target in ["/v1/auth/token", "/v1/auth/token?grant_type=client_credentials"] {
            let refused = try await post(fixture, target, #"{"email":"a","password":"b"}"#)
            #expect(refused.status == 400)
            #expect(refused.json["field"] as? String == "grant_type")
        }
        let missing = try await post(fixture, "/v1/auth/token?grant_type=refresh_token", "{}")
        #expect(missing.json["field"] as? String == "refresh_token")
        await fixture.shutdown()
    }

    @Test("magic link and recover: 202 {}; verify: token or email and code; INVALID_TOKEN mapped")
    func links() async throws {
        let fixture = try await IdentityFixture()
        let link = try await post(fixture, "/v1/auth/magiclink", #"{"email":"ana@example.com","redirect_to":"https://app.example.com/cb"}"#)
        #expect(link.status == 202)
        #expect(link.text == "{}")
        #expect(fixture.identity.request("identity.MagicLink") == "ana@example.com https://app.example.com/cb")
        let bad = try await post(fixture, "/v1/auth/magiclink", #"{"email":"bad"}"#)
        #expect(bad.status == 400)
        #expect(bad.json["field"] as? String == "email")
        #expect(try await post(fixture, "/v1/auth/recover", #"{"email":"ana@example.com"}"#).status == 202)

        #expect(try await post(fixture, "/v1/auth/verify", #"{"type":"magiclink","token":"tok"}"#).status == 200)
        #expect(fixture.identity.request("identity.Verify") == "magiclink tok - -")
        #expect(try await post(fixture, "/v1/auth/verify", #"{"type":"recovery","email":"a@b.c","code":"123456"}"#).status == 200)
        #expect(fixture.identity.request("identity.Verify") == "recovery - a@b.c 123456")
        let used = try await post(fixture, "/v1/auth/verify", #"{"type":"signup","token":"used"}"#)
        #expect(used.status == 401)
        #expect(used.json["error"] as? String == "INVALID_TOKEN")
        for (body, field) in [(#"{"type":"sms","token":"t"}"#, "type"), (#"{"type":"signup"}"#, "token"),
                              (#"{"type":"signup","email":"a@b.c"}"#, "code")] {
            let refused = try await post(fixture, "/v1/auth/verify", body)
            #expect(refused.status == 400 && refused.json["field"] as? String == field, "\(body)")
        }
        await fixture.shutdown()
    }

    @Test("user, update, logout with a bearer token; the context carries the end user")
    func account() async throws {
        let fixture = try await IdentityFixture()
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id, sub: "usr_7", sid: "ses_7"))
        let updated = try await fixture.send("PUT", "/v1/auth/user", token: token, body: #"{"data":{"theme":"dark"}}"#)
        #expect(updated.status == 200)
        #expect((updated.json["data"] as? [String: Any])?["theme"] as? String == "dark")
        #expect(fixture.identity.context("identity.UpdateUser")?.subject == "usr_7")
        let short = try await fixture.send("PUT", "/v1/auth/user", token: token, body: #"{"password":"short"}"#)
        #expect(short.status == 400 && short.json["field"] as? String == "password")
        let notObject = try await fixture.send("PUT", "/v1/auth/user", token: token, body: #"{"data":null}"#)
        #expect(notObject.status == 200)  // null: data unchanged
        #expect(try await fixture.send("PUT", "/v1/auth/user", token: nil, body: "{}").status == 401)

        let logout = try await fixture.send("POST", "/v1/auth/logout", token: token, body: #"{"scope":"global"}"#)
        #expect(logout.status == 204)
        #expect(fixture.identity.request("identity.Logout") == "global")
        #expect(fixture.identity.context("identity.Logout")?.sessionID == "ses_7")
        #expect(try await fixture.send("POST", "/v1/auth/logout", token: token).status == 204)
        #expect(fixture.identity.request("identity.Logout") == "local")
        let badScope = try await fixture.send("POST", "/v1/auth/logout", token: token, body: #"{"scope":"all"}"#)
        #expect(badScope.status == 400 && badScope.json["field"] as? String == "scope")
        await fixture.shutdown()
    }

    @Test("jwks: the published keys as JWKs that verify the tokens")
    func jwks() async throws {
        let fixture = try await IdentityFixture()
        let response = try await fixture.send("GET", "/v1/auth/jwks", token: nil)
        #expect(response.status == 200)
        let keys = try #require(response.json["keys"] as? [[String: String]])
        #expect(keys.count == 1)
        let data = try JSONSerialization.data(withJSONObject: keys[0])
        let jwk = try JSONDecoder().decode(JWK.self, from: data)
        #expect(jwk.kid == "k1" && jwk.kty == "OKP" && jwk.crv == "Ed25519" && jwk.alg == "EdDSA" && jwk.use == "sig")
        let verifier = JWTVerifier(issuer: FakeIdentity.issuer, keys: [jwk.kid: try jwk.ed25519PublicKey()])
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id))
        #expect(try verifier.verify(token, audience: fixture.project.id, now: Date()).sub == "usr_1")
        await fixture.shutdown()
    }

    @Test("admin: users, delete, audit, settings need the secret key; lists page; NOT_FOUND mapped")
    func admin() async throws {
        let fixture = try await IdentityFixture()
        let secret = fixture.project.secret
        #expect(try await fixture.send("GET", "/v1/auth/admin/users", token: nil).status == 403)
        let users = try await fixture.send("GET", "/v1/auth/admin/users?limit=10", token: nil, key: secret)
        #expect(users.status == 200)
        #expect((users.json["data"] as? [[String: Any]])?.count == 1)
        #expect(users.json["next_cursor"] as? String == "c2")
        #expect(fixture.identity.request("identity.ListUsers") == "10 nil")
        let next = try await fixture.send("GET", "/v1/auth/admin/users?cursor=c2", token: nil, key: secret)
        #expect(next.json["next_cursor"] is NSNull)
        #expect(fixture.identity.request("identity.ListUsers") == "50 c2")
        let badLimit = try await fixture.send("GET", "/v1/auth/admin/users?limit=500", token: nil, key: secret)
        #expect(badLimit.status == 400 && badLimit.json["field"] as? String == "limit")

        #expect(try await fixture.send("DELETE", "/v1/auth/admin/users/usr_1", token: nil, key: secret).status == 204)
        #expect(fixture.identity.request("identity.DeleteUser") == "usr_1")
        let missing = try await fixture.send("DELETE", "/v1/auth/admin/users/usr_missing", token: nil, key: secret)
        #expect(missing.status == 404 && missing.json["error"] as? String == "NOT_FOUND")

        let audit = try await fixture.send("GET", "/v1/auth/admin/audit", token: nil, key: secret)
        let event = try #require((audit.json["data"] as? [[String: Any]])?.first)
        #expect(Set(event.keys) == ["at", "action", "user_id", "ip", "detail"])
        #expect(event["action"] as? String == "login" && event["detail"] is NSNull)

        let settings = try await fixture.send("GET", "/v1/auth/admin/settings", token: nil, key: secret)
        #expect(settings.status == 200)
        #expect(Set(settings.json.keys) == [
            "site_url", "redirect_allow_list", "confirm_email", "access_token_lifetime", "magic_link_lifetime",
            "recovery_lifetime", "confirmation_lifetime",
        ])
        let changed = try await fixture.send(
            "PUT", "/v1/auth/admin/settings", token: nil, key: secret, body: #"{"confirm_email":true,"access_token_lifetime":600}"#)
        #expect(changed.json["confirm_email"] as? Bool == true && changed.json["access_token_lifetime"] as? Int == 600)
        let short = try await fixture.send("PUT", "/v1/auth/admin/settings", token: nil, key: secret, body: #"{"access_token_lifetime":5}"#)
        #expect(short.status == 400 && short.json["field"] as? String == "access_token_lifetime")
        let mistyped = try await fixture.send("PUT", "/v1/auth/admin/settings", token: nil, key: secret, body: #"{"confirm_email":"yes"}"#)
        #expect(mistyped.status == 400 && mistyped.json["field"] as? String == "confirm_email")
        #expect(try await fixture.send("PUT", "/v1/auth/admin/settings", token: nil, body: "{}").status == 403)
        await fixture.shutdown()
    }
}
