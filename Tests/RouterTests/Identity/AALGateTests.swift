import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("The aal gate on bearer routes", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct AALGateTests {
    /// A token of `aal` for a user who has (`mfa`) or has not a verified factor.
    private func token(_ fixture: IdentityFixture, aal: String?, mfa: Bool?) throws -> String {
        var claims = FakeIdentity.claims(project: fixture.project.id)
        claims.aal = aal
        claims.mfa = mfa
        return try fixture.identity.token(claims)
    }

    @Test("an aal1 token of a user with a factor: 403 FORBIDDEN + required_aal on other bearer routes, no upstream call")
    func refused() async throws {
        let fixture = try await IdentityFixture()
        let token = try token(fixture, aal: "aal1", mfa: true)
        let response = try await fixture.send("PUT", "/v1/auth/user", token: token, body: #"{"data":{"a":1}}"#)
        #expect(response.status == 403)
        #expect(response.json["error"] as? String == "FORBIDDEN")
        #expect(response.json["required_aal"] as? String == "aal2")
        #expect(fixture.identity.context("identity.UpdateUser") == nil)
        await fixture.shutdown()
    }

    @Test("the same token reaches the MFA routes, GET /v1/auth/user and logout")
    func allowed() async throws {
        let fixture = try await IdentityFixture()
        let token = try token(fixture, aal: "aal1", mfa: true)
        let user = try await fixture.send("GET", "/v1/auth/user", token: token)
        #expect(user.status == 200)
        let enroll = try await fixture.send("POST", "/v1/auth/mfa/enroll", token: token, body: "{}")
        #expect(enroll.status == 200)
        #expect(enroll.json["factor_id"] as? String == "mfa_1")
        #expect((enroll.json["recovery_codes"] as? [String])?.count == 10)
        let verify = try await fixture.send(
            "POST", "/v1/auth/mfa/verify", token: token, body: #"{"factor_id":"mfa_1","code":"123456"}"#)
        #expect(verify.status == 200)
        #expect(fixture.identity.request("identity.MFAVerify") == "mfa_1 123456 -")
        let wrong = try await fixture.send(
            "POST", "/v1/auth/mfa/verify", token: token, body: #"{"factor_id":"mfa_1","code":"000000"}"#)
        #expect(wrong.status == 401)
        #expect(wrong.json["error"] as? String == "INVALID_TOKEN")
        let delete = try await fixture.send("DELETE", "/v1/auth/mfa/factors/mfa_1", token: token)
        #expect(delete.status == 204)
        #expect(fixture.identity.request("identity.MFADeleteFactor") == "mfa_1")
        let missing = try await fixture.send("DELETE", "/v1/auth/mfa/factors/mfa_missing", token: token)
        #expect(missing.status == 404)
        let logout = try await fixture.send("POST", "/v1/auth/logout", token: token, body: "{}")
        #expect(logout.status == 204)
        await fixture.shutdown()
    }

    @Test("aal2 tokens, aal1 tokens of users without a factor, and tokens from before MFA reach every bearer route")
    func unaffected() async throws {
        let fixture = try await IdentityFixture()
        for (aal, mfa) in [("aal2", true), ("aal1", nil), (nil, nil)] as [(String?, Bool?)] {
            let token = try token(fixture, aal: aal, mfa: mfa)
            let response = try await fixture.send("PUT", "/v1/auth/user", token: token, body: #"{"data":{"a":1}}"#)
            #expect(response.status == 200, "\(aal ?? "none") \(mfa.map(String.init) ?? "none")")
        }
        await fixture.shutdown()
    }

    @Test("verify bodies: exactly one of code and recovery_code, a 6-character code")
    func verifyBodies() async throws {
        let fixture = try await IdentityFixture()
        let token = try token(fixture, aal: "aal1", mfa: true)
        for body in [#"{"factor_id":"mfa_1"}"#, #"{"factor_id":"mfa_1","code":"123456","recovery_code":"aaaaa-bbbbb"}"#,
                     #"{"factor_id":"mfa_1","code":"1234567"}"#, #"{"code":"123456"}"#] {
            let response = try await fixture.send("POST", "/v1/auth/mfa/verify", token: token, body: body)
            #expect(response.status == 400, "\(body)")
        }
        await fixture.shutdown()
    }
}

@Suite("Which routes accept aal1")
struct AALRouteTableTests {
    @Test("exactly the MFA routes, GET /v1/auth/user and logout accept an aal1 token")
    func declared() throws {
        let routes = try RouterRoutes.documentation()
        let accepting = Set(routes.filter(\.acceptsAAL1).map { "\($0.method.rawValue) \($0.path.text)" })
        #expect(accepting == [
            "GET /v1/auth/user", "POST /v1/auth/logout", "POST /v1/auth/mfa/enroll", "POST /v1/auth/mfa/verify",
            "DELETE /v1/auth/mfa/factors/{id}",
        ])
        #expect(routes.filter(\.acceptsAAL1).allSatisfy { $0.auth == .keyAndBearer })
    }
}
