#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// PostgreSQL crash-restarted (an immediate shutdown: every backend dies, recovery from the WAL) while four
/// clients send email: every answer is 202 or 503 `SERVICE_UNAVAILABLE` with `Retry-After` (never 500), every
/// 202 is delivered, and a message sent more than once is the same message (the same `Message-ID`).
@Suite("Database outage (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil && OutageEnvironment.canRunCluster,
                "PURRPURR_TEST_DATABASE_URL, PURRPURR_TEST_PGBIN and PURRPURR_TEST_PGOWNER are needed (run scripts/test)"))
struct DatabaseOutageMeshTests {
    static let environment = OutageEnvironment.variables

    /// What the clients saw.
    private struct Tally: Sendable {
        var accepted: [String] = []
        var unavailable = 0
        var other: [String] = []
    }

    /// The clients' shared state.
    private final class Load: Sendable {
        let tally = Mutex(Tally())
        let sending = Atomic<Bool>(true)
    }

    @Test("a PostgreSQL crash under load: 202 or 503 only, every 202 delivered", .timeLimit(.minutes(4)))
    func crashUnderLoad() async throws {
        let cluster = try await PrivateCluster.make(
            binDirectory: try #require(Self.environment["PURRPURR_TEST_PGBIN"]),
            owner: try #require(Self.environment["PURRPURR_TEST_PGOWNER"]))
        defer { cluster.stop() }
        let mesh = try await LocalMesh.start(
            // A budget the four clients cannot reach: this test is about the database, not the rate limit.
            // And a send rate that keeps up with the accepts (fair use, 10/s per project by default, is another test's).
            extra: ["comms": ["COMMS_LEASE_SECONDS": "5", "COMMS_PROJECT_RATE_PER_SECOND": "10000",
                              "COMMS_WORKERS": "8", "COMMS_WORKERS_PER_PROJECT": "8"]],
            environment: ["DATABASE_URL": cluster.url, "RATE_LIMIT_PER_SECOND": "100000", "RATE_LIMIT_BURST": "100000"],
            restartBackoff: .seconds(1))
        do {
            let project = try await mesh.createProject("outage", plan: "starter")   // more than a trial's 100 emails
            let load = Load()
            let clients = (0..<4).map { client in
                Task {
                    var round = 0
                    while load.sending.load(ordering: .relaxed) {
                        round += 1
                        let answer = try await mesh.http(
                            "POST", "/v1/comms/email", key: project.secretKey,
                            body: ["to": "outage@example.test", "subject": "Outage \(client).\(round)", "text": "body"])
                        load.tally.withLock { tally in
                            switch answer.status {
                            case 202: tally.accepted.append(answer[string: "id"] ?? "")
                            case 503 where answer[string: "error"] == "SERVICE_UNAVAILABLE"
                                && answer.headers["retry-after"] != nil:
                                tally.unavailable += 1
                            default: tally.other.append("\(answer.status) \(answer.json)")
                            }
                        }
                        if answer.status == 503 { try await Task.sleep(for: .milliseconds(100)) }
                    }
                }
            }
            try await Task.sleep(for: .seconds(3))
            cluster.crashServer()
            try await Task.sleep(for: .seconds(2))
            try await cluster.startAgain()
            // Sending goes on until requests are accepted again after the restart.
            let restarted = ContinuousClock.now
            let acceptedAtRestart = load.tally.withLock { $0.accepted.count }
            while load.tally.withLock({ $0.accepted.count }) < acceptedAtRestart + 20,
                ContinuousClock.now - restarted < .seconds(60)
            {
                try await Task.sleep(for: .milliseconds(200))
            }
            load.sending.store(false, ordering: .relaxed)
            for client in clients { try await client.value }

            let seen = load.tally.withLock { $0 }
            #expect(seen.other.isEmpty, "answers other than 202 and 503: \(seen.other.prefix(5))")
            #expect(seen.unavailable > 0, "no request met the outage")
            #expect(seen.accepted.count >= acceptedAtRestart + 20, "sending did not recover after the restart")
            #expect(!seen.accepted.contains(""))

            // Every 202 arrives; a message delivered twice carries its one Message-ID both times.
            let deadline = ContinuousClock.now + .seconds(90)
            var missing = Set(seen.accepted)
            while !missing.isEmpty, ContinuousClock.now < deadline {
                let all = try mesh.rawMail(to: "outage@example.test").joined()
                missing = missing.filter { !all.contains("<\($0)@mesh.purrpurr.test>") }
                if !missing.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            var states: [String] = []
            for id in missing.sorted().prefix(5) {
                let answer = try await mesh.http("GET", "/v1/comms/messages/\(id)", key: project.secretKey)
                states.append("\(id): \(answer.status) \(answer[string: "status"] ?? "") \(answer.json["events"] ?? "")")
            }
            #expect(missing.isEmpty, "accepted but never delivered: \(missing.count) of \(seen.accepted.count): \(states)")
            for raw in try mesh.rawMail(to: "outage@example.test") {
                #expect(raw.components(separatedBy: "Message-ID: <msg_").count == 2, "not exactly one Message-ID")
            }
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}

/// Where `initdb` and `pg_ctl` are, for a private cluster the test may crash.
enum OutageEnvironment {
    static let variables = ProcessInfo.processInfo.environment
    static var canRunCluster: Bool { variables["PURRPURR_TEST_PGBIN"] != nil && variables["PURRPURR_TEST_PGOWNER"] != nil }
}
