#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import PurrpurrTestSupport
@testable import Purrpurr

/// A service killed with SIGKILL while requests flow: the Router answers 503 with `Retry-After` (never hangs,
/// never another error), the launcher's supervisor restarts the service, requests succeed again, and every
/// message answered 202 arrives at the mail catcher.
@Suite("Crash under load (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct CrashUnderLoadMeshTests {
    @Test("SIGKILL comms while emails are sent: 503s while it is down, nothing accepted is lost",
          .timeLimit(.minutes(3)))
    func killCommsUnderLoad() async throws {
        // A lease of 5 s: a message the killed worker had claimed is sent again soon after the restart.
        let mesh = try await LocalMesh.start(
            extra: ["comms": ["COMMS_LEASE_SECONDS": "5"]], restartBackoff: .seconds(2))
        do {
            let project = try await mesh.createProject("crash")
            var accepted: [String] = []
            var unavailable = 0
            var startedBefore = 0
            for round in 0..<60 {
                if round == 15 { startedBefore = try await mesh.kill("comms") }
                let clock = ContinuousClock.now
                let answer = try await mesh.http(
                    "POST", "/v1/comms/email", key: project.secretKey,
                    body: ["to": "load@example.test", "subject": "Load \(round)", "text": "round \(round)"])
                switch answer.status {
                case 202: accepted.append(try #require(answer[string: "id"]))
                case 503:
                    unavailable += 1
                    #expect(answer.headers["retry-after"] != nil)
                    #expect(answer[string: "error"] == "SERVICE_UNAVAILABLE", "\(answer.json)")
                    // "Quickly": well under the route's deadline, even on a loaded 2-core CI machine.
                    #expect(ContinuousClock.now - clock < .seconds(5))
                default: Issue.record("unexpected answer \(answer.status) \(answer.json)")
                }
                if round >= 15, round < 59, unavailable > 0, accepted.count > 20 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(unavailable > 0, "no request found comms down")
            try await mesh.waitForRestart(of: "comms", startedBefore: startedBefore)
            #expect(mesh.running.supervisor.restartCount(of: "comms") >= 1)

            // Requests work again after the restart.
            var recovered = false
            for _ in 0..<50 where !recovered {
                let answer = try await mesh.http(
                    "POST", "/v1/comms/email", key: project.secretKey,
                    body: ["to": "load@example.test", "subject": "After", "text": "after the restart"])
                if answer.status == 202 {
                    recovered = true
                    accepted.append(try #require(answer[string: "id"]))
                } else {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(recovered)

            // Every accepted message arrives (at least once: a send cut by the kill may be repeated).
            let deadline = ContinuousClock.now + .seconds(60)
            var missing = Set(accepted)
            while !missing.isEmpty, ContinuousClock.now < deadline {
                let all = try mesh.rawMail(to: "load@example.test").joined()
                missing = missing.filter { !all.contains("<\($0)@mesh.purrpurr.test>") }
                if !missing.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(missing.isEmpty, "accepted but never delivered: \(missing.sorted())")
        } catch {
            Issue.record("comms log: \(mesh.log("comms").suffix(3000))")
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
