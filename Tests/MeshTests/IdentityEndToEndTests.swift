import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// Identity through the whole mesh: the Router's public API, IdentityService, CommsService and a real SMTP
/// server, all as separate processes.
@Suite("Identity end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct IdentityEndToEndTests {
    @Test("magic link: the emailed token signs in once, the bearer token reaches the user, logout refuses it",
          .timeLimit(.minutes(3)))
    func magicLink() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let project = try await mesh.createProject()
            let settings = try await mesh.http(
                "PUT", "/v1/auth/admin/settings", key: project.secretKey,
                body: ["site_url": "https://app.example.test/auth/callback"])
            #expect(settings.status == 200, "\(settings.json)")

            let email = "ana.\(UUID().uuidString.prefix(8).lowercased())@example.test"
            let asked = try await mesh.http("POST", "/v1/auth/magiclink", key: project.publishableKey, body: ["email": email])
            #expect(asked.status == 202, "\(asked.json)")
            let mail = try await mesh.waitForMail(to: email)
            let parsed = try PythonEmailParser.parse(Array(mail.utf8))
            let text = try #require(parsed.parts.first { $0.contentType == "text/plain" }?.body)
            let link = try #require(text.firstMatch(of: /https:\/\/app\.example\.test\/auth\/callback\?\S+/)).output
            let token = try #require(link.firstMatch(of: /token=([A-Za-z0-9_\-]+)/)?.output.1)
            #expect(link.contains("type=magiclink"))
            #expect(text.firstMatch(of: /\b\d{6}\b/) != nil, "the email carries a 6-digit code")

            let session = try await mesh.http(
                "POST", "/v1/auth/verify", key: project.publishableKey, body: ["type": "magiclink", "token": String(token)])
            #expect(session.status == 200, "\(session.json)")
            let access = try #require(session[string: "access_token"])
            #expect(session[object: "user"]?["email"] as? String == email)

            let again = try await mesh.http(
                "POST", "/v1/auth/verify", key: project.publishableKey, body: ["type": "magiclink", "token": String(token)])
            #expect(again.status == 401)
            #expect(again[string: "error"] == "INVALID_TOKEN")

            let user = try await mesh.http("GET", "/v1/auth/user", key: project.publishableKey, bearer: access)
            #expect(user.status == 200, "\(user.json)")
            #expect(user[string: "email"] == email)

            let other = try await mesh.createProject("other")
            let crossed = try await mesh.http("GET", "/v1/auth/user", key: other.publishableKey, bearer: access)
            #expect(crossed.status == 401)
            #expect(crossed[string: "error"] == "INVALID_TOKEN")

            let logout = try await mesh.http(
                "POST", "/v1/auth/logout", key: project.publishableKey, bearer: access, body: ["scope": "local"])
            #expect(logout.status == 204)
            var refused = false
            for _ in 0..<40 where !refused {
                let answer = try await mesh.http("GET", "/v1/auth/user", key: project.publishableKey, bearer: access)
                refused = answer.status == 401
                if !refused { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(refused, "the access token of a logged-out session is refused")
        } catch {
            Issue.record("identity log: \(mesh.log("identity").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("password signup, racing refreshes get one successor, reuse after the window revokes",
          .timeLimit(.minutes(3)))
    func refreshRace() async throws {
        let mesh = try await LocalMesh.start(extra: ["identity": ["IDENTITY_REFRESH_REUSE_GRACE_SECONDS": "2"]])
        do {
            let project = try await mesh.createProject()
            let signup = try await mesh.http(
                "POST", "/v1/auth/signup", key: project.publishableKey,
                body: ["email": "  Bo@Example.TEST ", "password": "correct horse battery"])
            #expect(signup.status == 201, "\(signup.json)")
            let duplicate = try await mesh.http(
                "POST", "/v1/auth/signup", key: project.publishableKey,
                body: ["email": "bo@example.test", "password": "another password"])
            #expect(duplicate.status == 409)

            let login = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=password", key: project.publishableKey,
                body: ["email": "bo@example.test", "password": "correct horse battery"])
            #expect(login.status == 200, "\(login.json)")
            let refresh = try #require(login[string: "refresh_token"])
            let wrong = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=password", key: project.publishableKey,
                body: ["email": "bo@example.test", "password": "wrong password!"])
            let unknown = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=password", key: project.publishableKey,
                body: ["email": "nobody@example.test", "password": "wrong password!"])
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong[string: "error"] == "INVALID_CREDENTIALS" && unknown[string: "error"] == "INVALID_CREDENTIALS")
            #expect(wrong[string: "message"] == unknown[string: "message"])

            let successors = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<5 {
                    group.addTask {
                        let answer = try await mesh.http(
                            "POST", "/v1/auth/token?grant_type=refresh_token", key: project.publishableKey,
                            body: ["refresh_token": refresh])
                        return answer.status == 200 ? answer[string: "refresh_token"] : nil
                    }
                }
                var tokens: [String?] = []
                for try await token in group { tokens.append(token) }
                return tokens
            }
            #expect(successors.allSatisfy { $0 != nil }, "every racing refresh succeeds")
            #expect(Set(successors.compactMap { $0 }).count == 1, "all get the same successor")

            try await Task.sleep(for: .seconds(3))
            let reused = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=refresh_token", key: project.publishableKey,
                body: ["refresh_token": refresh])
            #expect(reused.status == 401)
            #expect(reused[string: "error"] == "REFRESH_TOKEN_REUSED")
            let successor = try #require(successors.first ?? nil)
            let revoked = try await mesh.http(
                "POST", "/v1/auth/token?grant_type=refresh_token", key: project.publishableKey,
                body: ["refresh_token": successor])
            #expect(revoked.status == 401, "the session was revoked with the reuse")
        } catch {
            Issue.record("identity log: \(mesh.log("identity").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
