import Foundation
import ServiceKit
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// `POST /v1/signup` through the whole mesh: one call makes the owner, the project and its keys, the vault
/// tenant, and signs the owner in — all or nothing, with every step made to fail in turn.
@Suite("Onboarding end to end (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct OnboardingMeshTests {
    /// Router settings that let a test watch the sweeper: short leases, abandoned at once, swept often.
    static let fastSagas = [
        "SIGNUP_SAGA_LEASE_SECONDS": "2", "SIGNUP_SAGA_ABANDON_SECONDS": "1", "SIGNUP_SWEEP_INTERVAL_SECONDS": "0.2",
    ]

    static func signup(_ email: String, business: String = "Panadería Sol", extra: [String: Any] = [:]) -> [String: Any] {
        ["email": email, "password": "correct horse battery", "business_name": business].merging(extra) { $1 }
    }

    @Test("signup makes owner, project, keys and vault; the owner lists it; replay, conflicts and bad input",
          .timeLimit(.minutes(3)))
    func happyPath() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let body = Self.signup("Owner@Example.test", extra: ["industry": "bakery"])
            let created = try await mesh.http("POST", "/v1/signup", body: body, headers: ["Idempotency-Key": "k-1"])
            #expect(created.status == 201, "\(created.json)")
            let owner = try #require(created[object: "owner"])
            #expect(owner["email"] as? String == "owner@example.test")
            #expect((owner["data"] as? [String: Any])?["industry"] as? String == "bakery")
            let project = try #require(created[object: "project"])
            let projectID = try #require(project["id"] as? String)
            #expect(project["name"] as? String == "Panadería Sol")
            let keys = try #require(created.json["keys"] as? [[String: Any]])
            let secret = try #require(keys.first { $0["kind"] as? String == "secret" }?["key"] as? String)
            #expect(keys.contains { ($0["key"] as? String)?.hasPrefix("ppk_") == true })
            let token = try #require(created[object: "session"]?["access_token"] as? String)
            let subscription = try #require(created[object: "subscription"])
            #expect(subscription["plan"] as? String == "trial")
            #expect(subscription["status"] as? String == "trialing")
            #expect((subscription["trial"] as? [String: Any])?["units_limit"] as? Int == 100)
            let billed = try await mesh.http("GET", "/v1/billing/subscription", key: secret)
            #expect(billed[string: "status"] == "trialing", "\(billed.json)")

            let whoami = try await mesh.http("GET", "/v1/whoami", key: secret)
            #expect(whoami[string: "project_id"] == projectID)
            let vault = try await mesh.http("GET", "/v1/admin/projects/\(projectID)/vault", admin: true)
            #expect(vault.status == 200, "\(vault.json)")
            #expect(vault.json["location"] as? String != nil, "the vault tenant exists from signup: \(vault.json)")

            let mine = try await mesh.http("GET", "/v1/console/projects", bearer: token)
            #expect(mine.status == 200, "\(mine.json)")
            let listed = try #require(mine.json["data"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [projectID])
            #expect(listed.first?["role"] as? String == "owner")
            #expect(try await mesh.http("GET", "/v1/console/projects").json["error"] as? String == "INVALID_TOKEN")
            #expect(try await mesh.http("GET", "/v1/console/projects", bearer: "nope").status == 401)

            let replay = try await mesh.http("POST", "/v1/signup", body: body, headers: ["Idempotency-Key": "k-1"])
            #expect(replay.status == 201)
            #expect(replay.headers["idempotent-replayed"] == "true")
            #expect(replay[object: "project"]?["id"] as? String == projectID)
            #expect(replay[object: "session"]?["access_token"] as? String == token)
            let reused = try await mesh.http(
                "POST", "/v1/signup", body: Self.signup("other@example.test"), headers: ["Idempotency-Key": "k-1"])
            #expect(reused.status == 422)

            let taken = try await mesh.http("POST", "/v1/signup", body: Self.signup("OWNER@example.test", business: "B"))
            #expect(taken.status == 409, "\(taken.json)")
            #expect(taken[string: "error"] == "CONFLICT")

            for (bad, field) in [
                (Self.signup("a@example.test", business: String(repeating: "x", count: 121)), "business_name"),
                (Self.signup("a@example.test", business: "   "), "business_name"),
                (Self.signup("a@example.test", extra: ["industry": String(repeating: "i", count: 65)]), "industry"),
                (Self.signup("a@example.test", extra: ["password": "short"]), "password"),
                (Self.signup("not an email"), "email"),
            ] {
                let refused = try await mesh.http("POST", "/v1/signup", body: bad)
                #expect(refused.status == 400, "\(field): \(refused.json)")
                #expect(refused[string: "field"] == field)
            }
            // A referral: the first project's code links the next one; an unknown code is 400 and leaves nothing.
            let code = try #require(try await mesh.http("GET", "/v1/billing/referrals", key: secret)[string: "code"])
            let unknown = try await mesh.http(
                "POST", "/v1/signup", body: Self.signup("referred@example.test", extra: ["referral_code": "nope-nope"]))
            #expect(unknown.status == 400, "\(unknown.json)")
            #expect(unknown[string: "field"] == "referral_code")
            let database = try OnboardingLeftovers(mesh)
            try await database.settle()
            #expect(try await database.projects() == 1)
            #expect(try await database.accounts() == 1)
            #expect(try await database.owners(like: "referred@example.test") == 0)
            let referred = try await mesh.http(
                "POST", "/v1/signup", body: Self.signup("referred@example.test", extra: ["referral_code": code]))
            #expect(referred.status == 201, "\(referred.json)")
            let referrals = try await mesh.http("GET", "/v1/billing/referrals", key: secret)
            #expect(referrals.json["level1"] as? Int == 1, "\(referrals.json)")
            #expect(try await database.projects() == 2)
            #expect(try await database.owners(like: "%@example.test") == 2)
            #expect(try await database.runningSagas() == 0)
            await database.close()
        } catch {
            Issue.record("router log: \(mesh.log("router").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("concurrent signups with one email: exactly one wins, nothing else is left", .timeLimit(.minutes(3)))
    func concurrentSameEmail() async throws {
        // Identity limits signups per email (5 an hour by default): room for the race.
        let mesh = try await LocalMesh.start(
            extra: ["router": Self.fastSagas, "identity": ["IDENTITY_SIGNUP_PER_EMAIL_PER_HOUR": "100"]])
        do {
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await mesh.http(
                            "POST", "/v1/signup", body: Self.signup("race@example.test", business: "Race \(index)")).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 409 }.count == 5, "\(statuses)")
            let database = try OnboardingLeftovers(mesh)
            try await database.settle()
            #expect(try await database.projects() == 1)
            #expect(try await database.tenants() == 1)
            #expect(try await database.owners(like: "race@example.test") == 1)
            await database.close()
        } catch {
            Issue.record("router log: \(mesh.log("router").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("a service down part-way (billing, vault, identity): the signup fails, nothing is left, a retry succeeds",
          .timeLimit(.minutes(5)))
    func serviceDown() async throws {
        let mesh = try await LocalMesh.start(extra: ["router": Self.fastSagas], restartBackoff: .seconds(6))
        do {
            let database = try OnboardingLeftovers(mesh)
            for service in ["billing", "vault", "identity"] {
                let email = "\(service)-down@example.test"
                let started = try await mesh.kill(service)
                let failed = try await mesh.http(
                    "POST", "/v1/signup", body: Self.signup(email), headers: ["Idempotency-Key": "down-\(service)"])
                #expect(failed.status == 503, "\(service) down: \(failed.status) \(failed.json)")
                #expect(try await database.projects() == 0, "no project left while \(service) is down")
                try await mesh.waitForRestart(of: service, startedBefore: started)
                try await database.settle()
                #expect(try await database.projects() == 0)
                #expect(try await database.tenants() == 0)
                #expect(try await database.accounts() == 0)
                #expect(try await database.owners(like: email) == 0)
                let retried = try await mesh.http(
                    "POST", "/v1/signup", body: Self.signup(email), headers: ["Idempotency-Key": "down-\(service)"])
                #expect(retried.status == 201, "retry after \(service) came back: \(retried.json)")
                try await database.settle()
                #expect(try await database.projects() == 1)
                #expect(try await database.tenants() == 1)
                #expect(try await database.accounts() == 1)
                try await database.reset()
            }
            await database.close()
        } catch {
            Issue.record("router log: \(mesh.log("router").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }

    @Test("kill -9 of the Router between steps: a retry finishes the signup; an abandoned one is undone",
          .timeLimit(.minutes(4)))
    func routerKilledBetweenSteps() async throws {
        let markers = NSTemporaryDirectory() + "purrpurr-failpoints-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: markers) }
        var router = Self.fastSagas
        // Long enough after the lease for the retry to come first; the sweeper still undoes the second saga.
        router["SIGNUP_SAGA_ABANDON_SECONDS"] = "8"
        router["PURRPURR_FAILPOINTS"] = "signup.after_project@\(markers)/1,signup.after_billing@\(markers)/2"
        // The second point is disarmed (its marker made) until the first scenario is over: a resumed saga
        // passes every later point.
        FileManager.default.createFile(atPath: "\(markers)/2", contents: nil)
        let mesh = try await LocalMesh.start(extra: ["router": router], restartBackoff: .seconds(1))
        do {
            let database = try OnboardingLeftovers(mesh)
            // Killed after the project step; the same request again (after the lease) finishes it.
            var started = try await mesh.routerStarts()
            await #expect(throws: (any Error).self) {
                _ = try await mesh.http("POST", "/v1/signup", body: Self.signup("resume@example.test"),
                                        headers: ["Idempotency-Key": "resume"])
            }
            try await mesh.waitForRestart(of: "router", startedBefore: started)
            let made = try await database.projectIDs()
            #expect(made.count == 1, "the project step was done before the kill")
            try await Task.sleep(for: .milliseconds(2500))
            let resumed = try await mesh.http(
                "POST", "/v1/signup", body: Self.signup("resume@example.test"), headers: ["Idempotency-Key": "resume"])
            #expect(resumed.status == 201, "\(resumed.json)")
            let projectID = try #require(resumed[object: "project"]?["id"] as? String)
            #expect(made == [projectID], "the resumed saga answers the project it made")
            #expect(try await database.projectIDs() == [projectID])
            let keys = try #require(resumed.json["keys"] as? [[String: Any]])
            let secret = try #require(keys.first { $0["kind"] as? String == "secret" }?["key"] as? String)
            #expect(try await mesh.http("GET", "/v1/whoami", key: secret)[string: "project_id"] == projectID)
            #expect(try await database.tenants() == 1)

            // Killed after the billing step and never retried: the sweeper undoes every step.
            try FileManager.default.removeItem(atPath: "\(markers)/2")
            started = try await mesh.routerStarts()
            await #expect(throws: (any Error).self) {
                _ = try await mesh.http("POST", "/v1/signup", body: Self.signup("abandoned@example.test"),
                                        headers: ["Idempotency-Key": "abandoned"])
            }
            try await mesh.waitForRestart(of: "router", startedBefore: started)
            try await database.settle()
            #expect(try await database.projectIDs() == [projectID])
            #expect(try await database.tenants() == 1)
            #expect(try await database.owners(like: "abandoned@example.test") == 0)
            #expect(try await database.accounts() == 1, "only the resumed signup's account is left")
            let again = try await mesh.http(
                "POST", "/v1/signup", body: Self.signup("abandoned@example.test"), headers: ["Idempotency-Key": "abandoned"])
            #expect(again.status == 201, "\(again.json)")
            await database.close()
        } catch {
            Issue.record("router log: \(mesh.log("router").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}

extension LocalMesh {
    /// How many times the Router logged `started` so far (for ``waitForRestart(of:startedBefore:timeout:)``).
    func routerStarts() async throws -> Int {
        log("router").components(separatedBy: #""msg":"started""#).count - 1
    }
}

/// What onboarding left in the mesh's database, read straight from each service's tables.
struct OnboardingLeftovers {
    let pool: PostgresPool

    init(_ mesh: LocalMesh) throws {
        pool = PostgresPool(configuration: try PostgresConfiguration(url: mesh.database.url))
    }

    func projects() async throws -> Int { try await count("SELECT count(*) FROM router.projects") }
    func projectIDs() async throws -> [String] {
        try await pool.query("SELECT id FROM router.projects ORDER BY id").map { try $0.decode(String.self, at: 0) }
    }
    func tenants() async throws -> Int { try await count("SELECT count(*) FROM vault.tenants") }
    func accounts() async throws -> Int { try await count("SELECT count(*) FROM billing.subscriptions") }
    func runningSagas() async throws -> Int {
        try await count("SELECT count(*) FROM router.signup_sagas WHERE state = 'running'")
    }
    func owners(like pattern: String) async throws -> Int {
        try await count("SELECT count(*) FROM identity.users WHERE email LIKE '\(pattern)'")
    }

    /// Waits until no saga runs (the sweeper finished every undo).
    func settle(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await runningSagas() > 0 {
            guard ContinuousClock.now < deadline else { throw MeshExpectationFailed("sagas still running") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Forgets every project (between the rounds of a test; their keys go with them).
    func reset() async throws {
        try await pool.execute("DELETE FROM router.api_keys")
        try await pool.execute("DELETE FROM router.projects")
        try await pool.execute("DELETE FROM vault.tenants")
        for table in ["alerts", "usage", "periods", "accounts", "subscriptions"] {
            try await pool.execute("DELETE FROM billing.\(table)")
        }
    }

    func close() async { await pool.close() }

    private func count(_ sql: String) async throws -> Int {
        try await pool.query(sql).first?.decode(Int.self, at: 0) ?? 0
    }
}
