import Foundation
import ServiceKit
import Testing
import Wire
@testable import Router

@Suite("Bearer tokens through the Router", .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct BearerAuthTests {
    @Test("a valid token reaches the handler; its sub and sid travel in the CallContext")
    func validToken() async throws {
        let fixture = try await IdentityFixture()
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id, sub: "usr_9", sid: "ses_9"))
        let response = try await fixture.send("GET", "/v1/auth/user", token: token)
        #expect(response.status == 200)
        #expect(response.json["id"] as? String == "usr_9")
        let context = try #require(fixture.identity.context("identity.GetUser"))
        #expect(context.subject == "usr_9")
        #expect(context.sessionID == "ses_9")
        #expect(context.projectID == fixture.project.id)
        #expect(context.callerService == "router")
        await fixture.shutdown()
    }

    @Test("every attack token is 401 INVALID_TOKEN; an expired one TOKEN_EXPIRED; no upstream call")
    func attacks() async throws {
        let fixture = try await IdentityFixture()
        let project = fixture.project.id
        let good = try fixture.identity.token(FakeIdentity.claims(project: project))
        let parts = good.split(separator: ".").map(String.init)
        let now = Int(Date().timeIntervalSince1970)
        let payload = parts[1]
        func forged(_ header: String, signature: String = parts[2]) -> String {
            Base64URL.encode(header) + "." + payload + "." + signature
        }
        var wrongIssuer = FakeIdentity.claims(project: project)
        wrongIssuer.iss = "https://evil.test"
        let attacks: [(String, String?)] = [
            ("no header", nil),
            ("alg none, no signature", forged(#"{"alg":"none","kid":"k1"}"#, signature: "")),
            ("alg none, signature kept", forged(#"{"alg":"none","kid":"k1"}"#)),
            ("HS256 with the public key", "HS256"),
            ("tampered payload", parts[0] + "." + Base64URL.encode(#"{"sub":"usr_admin"}"#) + "." + parts[2]),
            ("tampered signature", parts[0] + "." + parts[1] + "." + String(parts[2].reversed())),
            ("wrong issuer", try fixture.identity.token(wrongIssuer)),
            ("wrong audience", try fixture.identity.token(FakeIdentity.claims(project: "prj_other"))),
            ("not yet valid", try fixture.identity.token(FakeIdentity.claims(project: project, nbf: now + 600))),
            ("unknown kid", try fixture.identity.token(FakeIdentity.claims(project: project), kid: "k-made-up")),
            ("garbage", "a.b.c"),
            ("two segments", parts[0] + "." + parts[1]),
        ]
        for (name, token) in attacks {
            var sent = token
            if token == "HS256" {
                let input = Base64URL.encode(#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#) + "." + payload
                let key = fixture.identity.state.withLock { $0.keys["k1"]!.publicKey.rawRepresentation }
                sent = input + "." + Base64URL.encode(HMACSHA256.authenticationCode(for: input, key: key))
            }
            let response = try await fixture.send("GET", "/v1/auth/user", token: sent)
            #expect(response.status == 401, "\(name)")
            #expect(response.json["error"] as? String == "INVALID_TOKEN", "\(name)")
        }
        for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "bearer a b", "Token " + good] {
            let response = try await fixture.router.send(
                "GET", "/v1/auth/user", headers: ["X-API-Key": fixture.project.publishable, "Authorization": header])
            #expect(response.json["error"] as? String == "INVALID_TOKEN", "\(header)")
        }
        let expired = try fixture.identity.token(FakeIdentity.claims(project: project, exp: now - 120))
        let response = try await fixture.send("GET", "/v1/auth/user", token: expired)
        #expect(response.status == 401)
        #expect(response.json["error"] as? String == "TOKEN_EXPIRED")
        #expect(fixture.identity.context("identity.GetUser") == nil)
        // The scheme is case-insensitive.
        let lower = try await fixture.router.send(
            "GET", "/v1/auth/user", headers: ["X-API-Key": fixture.project.publishable, "Authorization": "bearer " + good])
        #expect(lower.status == 200)
        await fixture.shutdown()
    }

    @Test("a token of project A presented with a key of project B is 401 INVALID_TOKEN")
    func crossProject() async throws {
        let fixture = try await IdentityFixture()
        let other = try await fixture.router.createProject("Other")
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id))
        let response = try await fixture.send("GET", "/v1/auth/user", token: token, key: other.secret)
        #expect(response.status == 401)
        #expect(response.json["error"] as? String == "INVALID_TOKEN")
        #expect(try await fixture.send("GET", "/v1/auth/user", token: token).status == 200)
        await fixture.shutdown()
    }

    @Test("a new kid triggers one key refresh, and then verifies")
    func newKidRefreshes() async throws {
        let fixture = try await IdentityFixture()
        let before = fixture.identity.publicKeysCalls
        fixture.identity.publish(kid: "k2")
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id), kid: "k2")
        let response = try await fixture.send("GET", "/v1/auth/user", token: token)
        #expect(response.status == 200)
        #expect(fixture.identity.publicKeysCalls == before + 1)
        // Now known: no more fetches.
        #expect(try await fixture.send("GET", "/v1/auth/user", token: token).status == 200)
        #expect(fixture.identity.publicKeysCalls == before + 1)
        await fixture.shutdown()
    }

    /// 50 requests through 4 concurrent clients: the test client blocks a Dispatch thread per request, and
    /// libdispatch on Linux grows its pool by about one thread a second, so 50 at once would stall the process.
    /// (Single-flight under real concurrency is covered by `IdentityRefreshTests`.) The bound is the guarantee
    /// itself: one kid-triggered fetch per started 5 s, so a slow machine cannot make the test flaky.
    @Test("a burst of 50 requests with unknown kids triggers at most one refresh")
    func unknownKidBurst() async throws {
        let fixture = try await IdentityFixture()
        let before = fixture.identity.publicKeysCalls
        let project = fixture.project.id
        let tokens = try (0..<50).map {
            try fixture.identity.token(FakeIdentity.claims(project: project), kid: "k-unknown-\($0)")
        }
        let start = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for lane in 0..<4 {
                group.addTask {
                    var statuses: [Int] = []
                    for token in tokens[lane...].striding(by: 4) {
                        statuses.append(try await fixture.send("GET", "/v1/auth/user", token: token).status)
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let windows = 1 + Int((ContinuousClock.now - start).components.seconds / 5)
        #expect(statuses == Array(repeating: 401, count: 50))
        #expect(fixture.identity.publicKeysCalls - before <= windows)
        await fixture.shutdown()
    }

    @Test("a session revoked at Identity is refused within 1 s")
    func revokedSession() async throws {
        let fixture = try await IdentityFixture()
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id, sid: "ses_revoked"))
        #expect(try await fixture.send("GET", "/v1/auth/user", token: token).status == 200)
        fixture.identity.revoke(sessionID: "ses_revoked")
        let elapsed = try await fixture.router.timeUntil(status: 401, within: .seconds(3)) {
            try await fixture.send("GET", "/v1/auth/user", token: token)
        }
        let refused = try await fixture.send("GET", "/v1/auth/user", token: token)
        #expect(refused.json["error"] as? String == "INVALID_TOKEN", "\(refused.text)")
        let took = try #require(elapsed)
        #expect(took < .seconds(1))
        // Another session of the same user is not affected.
        let other = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id, sid: "ses_other"))
        #expect(try await fixture.send("GET", "/v1/auth/user", token: other).status == 200)
        await fixture.shutdown()
    }

    @Test("identity down: bearer requests are 503 within about a second")
    func identityDown() async throws {
        let fixture = try await IdentityFixture()
        let token = try fixture.identity.token(FakeIdentity.claims(project: fixture.project.id))
        #expect(try await fixture.send("GET", "/v1/auth/user", token: token).status == 200)
        await fixture.identity.server.shutdownGracefully(timeout: .seconds(1))
        let start = ContinuousClock.now
        let response = try await fixture.send("GET", "/v1/auth/user", token: token)
        #expect(ContinuousClock.now - start < .milliseconds(1500))
        #expect(response.status == 503)
        #expect(response.json["error"] as? String == "SERVICE_UNAVAILABLE")
        // Once the revocations are no longer known fresh, the bearer check itself fails closed.
        try await Task.sleep(for: .seconds(3.5))
        #expect(fixture.router.app.sessionDenylist.status(of: "ses_1", now: Date()) == .stale)
        #expect(try await fixture.send("GET", "/v1/auth/user", token: token).status == 503)
        await fixture.shutdown()
    }

    @Test("identity not configured: bearer routes are 503")
    func notConfigured() async throws {
        let router = try await RouterHarness()
        let project = try await router.createProject()
        let token = try FakeIdentityKeys.token(project: project.id)
        let response = try await router.send(
            "GET", "/v1/auth/user", headers: ["X-API-Key": project.publishable, "Authorization": "Bearer " + token])
        #expect(response.status == 503)
        #expect(response.json["error"] as? String == "SERVICE_UNAVAILABLE")
        #expect(router.app.identityServices.isEmpty)
        await router.shutdown()
    }
}

extension ArraySlice {
    /// Every `step`-th element from the start.
    fileprivate func striding(by step: Int) -> [Element] {
        stride(from: startIndex, to: endIndex, by: step).map { self[$0] }
    }
}

/// A token from a key nobody publishes.
fileprivate enum FakeIdentityKeys {
    static func token(project: String) throws -> String {
        try JWTSigner(kid: "k1", privateKey: Ed25519PrivateKey()).sign(FakeIdentity.claims(project: project))
    }
}
