import Foundation
import ServiceKit
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// TOTP MFA through the whole mesh: the Router's routes and `aal` gate, IdentityService and its database.
@Suite("MFA end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct MFAEndToEndTests {
    @Test("enroll, verify to aal2; a later sign-in is aal1 and gated until verified; deleting a factor needs aal2",
          .timeLimit(.minutes(3)))
    func flow() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let project = try await mesh.createProject()
            let key = project.publishableKey
            let credentials = ["email": "mia@example.test", "password": "correct horse battery"]
            let signup = try await mesh.http("POST", "/v1/auth/signup", key: key, body: credentials)
            let first = try #require(signup[object: "session"]?["access_token"] as? String, "\(signup.json)")

            let enroll = try await mesh.http("POST", "/v1/auth/mfa/enroll", key: key, bearer: first, body: [:])
            #expect(enroll.status == 200, "\(enroll.json)")
            let factorID = try #require(enroll[string: "factor_id"])
            let secret = try #require(enroll[string: "secret"].flatMap(Base32.decode))
            #expect(enroll[string: "otpauth_uri"]?.hasPrefix("otpauth://totp/") == true)
            func code(_ offset: Int64) -> String { TOTP.code(secret: secret, step: TOTP.step(at: Date()) + offset) }

            let wrong = try await mesh.http(
                "POST", "/v1/auth/mfa/verify", key: key, bearer: first, body: ["factor_id": factorID, "code": code(3)])
            #expect(wrong.status == 401)
            #expect(wrong[string: "error"] == "INVALID_TOKEN")
            let verified = try await mesh.http(
                "POST", "/v1/auth/mfa/verify", key: key, bearer: first, body: ["factor_id": factorID, "code": code(0)])
            #expect(verified.status == 200, "\(verified.json)")

            let signIn = try await mesh.http("POST", "/v1/auth/token?grant_type=password", key: key, body: credentials)
            let aal1 = try #require(signIn[string: "access_token"], "\(signIn.json)")
            let gated = try await mesh.http("PUT", "/v1/auth/user", key: key, bearer: aal1, body: ["data": ["a": 1]])
            #expect(gated.status == 403)
            #expect(gated[string: "error"] == "FORBIDDEN")
            #expect(gated[string: "required_aal"] == "aal2")
            #expect(try await mesh.http("GET", "/v1/auth/user", key: key, bearer: aal1).status == 200)
            let early = try await mesh.http("DELETE", "/v1/auth/mfa/factors/\(factorID)", key: key, bearer: aal1)
            #expect(early.status == 403)
            #expect(early[string: "required_aal"] == "aal2")

            // The next step's code (the current one was used above).
            let raised = try await mesh.http(
                "POST", "/v1/auth/mfa/verify", key: key, bearer: aal1, body: ["factor_id": factorID, "code": code(1)])
            #expect(raised.status == 200, "\(raised.json)")
            let aal2 = try #require(raised[string: "access_token"])
            #expect(try await mesh.http("PUT", "/v1/auth/user", key: key, bearer: aal2, body: ["data": ["a": 1]]).status == 200)
            let missing = try await mesh.http("DELETE", "/v1/auth/mfa/factors/mfa_nope", key: key, bearer: aal2)
            #expect(missing.status == 404)
            let deleted = try await mesh.http("DELETE", "/v1/auth/mfa/factors/\(factorID)", key: key, bearer: aal2)
            #expect(deleted.status == 204, "\(deleted.json)")
        } catch {
            Issue.record("identity log: \(mesh.log("identity").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
