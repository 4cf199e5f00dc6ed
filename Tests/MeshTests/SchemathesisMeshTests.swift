import Foundation
import Testing
import Wire
@testable import Purrpurr
@testable import PurrpurrTestSupport

/// The Router's OpenAPI document says what the Router does: Schemathesis (`scripts/schemathesis.sh`, every
/// check, a fixed seed, a few examples per operation) against the running mesh, with a secret key and the admin
/// token, finds no server error, no undocumented response, no valid request refused and no invalid one accepted.
/// Bearer routes answer 401 (no end user here), which the document allows.
@Suite("Schemathesis (mesh)", .serialized,
       .enabled(if: TestDatabase.serverURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
struct SchemathesisMeshTests {
    @Test("schemathesis run --checks all reports no failure", .timeLimit(.minutes(5)))
    func conformance() async throws {
        let mesh = try await LocalMesh.start()
        do {
            let project = try await mesh.createProject("schemathesis", plan: "starter")
            // Links need a site URL to point at (a state the document cannot state; see scripts/schemathesis.toml).
            let settings = try await mesh.http(
                "PUT", "/v1/auth/admin/settings", key: project.secretKey, body: ["site_url": "http://localhost:3000"])
            try #require(settings.status == 200, "identity settings: \(settings.status)")
            // A budget no seeded run can spend, so bearer routes answer 401 rather than 429.
            let budget = try await mesh.http(
                "PATCH", "/v1/admin/projects/\(project.id)", admin: true,
                body: ["rate_limit": ["per_second": 1_000_000, "burst": 100_000]])
            try #require(budget.status == 200, "rate limit: \(budget.status)")
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../scripts/schemathesis.sh").standardizedFileURL.path
            let log = mesh.directory + "/schemathesis.log"
            let exit = try await ProcessSpawner.run(
                "/bin/bash", [script, mesh.baseURL, project.secretKey, mesh.adminToken, "5"],
                environment: ProcessInfo.processInfo.environment, logPath: log)
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let copy = ProcessInfo.processInfo.environment["SCHEMATHESIS_LOG"] {
                try? output.write(toFile: copy, atomically: true, encoding: .utf8)
            }
            #expect(exit.isSuccess, "schemathesis:\n\(output.suffix(20_000))")
        } catch {
            try await mesh.stop()
            throw error
        }
        try await mesh.stop()
    }
}
