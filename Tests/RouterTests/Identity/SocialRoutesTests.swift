import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

/// The social-login routes' edge: who may call them (`?apikey=` only for a publishable key), and the checks done
/// before Identity is asked. The flow itself is `SocialLoginEndToEndTests` (MeshTests).
@Suite("/v1/auth social routes", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct SocialRoutesTests {
    static let challenge = String(repeating: "a", count: 43)

    @Test("authorize: a key in the header or a publishable one as ?apikey=; a secret key in a URL is 403; none is 401")
    func authorizeKeys() async throws {
        let fixture = try await IdentityFixture()
        let router = fixture.router
        let query = "/v1/auth/authorize?provider=oidc&code_challenge=\(Self.challenge)&code_challenge_method=S256"
        let none = try await router.send("GET", query)
        #expect(none.status == 401)
        #expect(none.json["error"] as? String == "MISSING_API_KEY")
        let secret = try await router.send("GET", query + "&apikey=\(fixture.project.secret)")
        #expect(secret.status == 403)
        let bogus = try await router.send("GET", query + "&apikey=ppk_nope")
        #expect(bogus.status == 401)
        #expect(bogus.json["error"] as? String == "INVALID_API_KEY")
        let missing = try await router.send("GET", "/v1/auth/authorize?provider=oidc&apikey=\(fixture.project.publishable)")
        #expect(missing.status == 400)
        #expect(missing.json["field"] as? String == "code_challenge")
        await fixture.shutdown()
    }

    @Test("provider admin needs the secret key; the pkce grant needs both fields")
    func adminAndGrant() async throws {
        let fixture = try await IdentityFixture()
        let body = #"{"client_id":"c","client_secret":"s","enabled":true}"#
        let publishable = try await fixture.send("PUT", "/v1/auth/admin/providers/google", token: nil, body: body)
        #expect(publishable.status == 403)
        let noVerifier = try await fixture.send(
            "POST", "/v1/auth/token?grant_type=pkce", token: nil, body: #"{"auth_code":"x"}"#)
        #expect(noVerifier.status == 400)
        #expect(noVerifier.json["field"] as? String == "code_verifier")
        await fixture.shutdown()
    }
}
