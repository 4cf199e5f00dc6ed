import Foundation
import Testing
@testable import Router

/// Two Router replicas on one PostgreSQL: a project's budget holds for both together.
@Suite("Rate limits across replicas", .serialized, .enabled(if: RouterHarness.databaseURL != nil, RouterHarness.disabledReason))
struct RateLimitReplicasTests {
    @Test("a project at 100 req/s gets about 100 req/s across two replicas, not 200", .timeLimit(.minutes(2)))
    func budgetHoldsAcrossReplicas() async throws {
        let first = try await RouterHarness()
        let second = try await RouterHarness(schema: first.app.schema)
        defer { Task { await first.shutdown(); await second.shutdown() } }
        let project = try await first.createProject()
        let (perSecond, burst) = (100, 20)
        let patched = try await first.send(
            "PATCH", "/v1/admin/projects/\(project.id)", headers: ["X-Admin-Token": RouterHarness.adminToken],
            body: #"{"rate_limit":{"per_second":\#(perSecond),"burst":\#(burst)}}"#)
        try #require(patched.status == 200)
        for replica in [first, second] {
            for _ in 0..<100 where replica.app.limits.limit(for: project.id).burst != burst {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let window = Duration.seconds(4)
        let end = ContinuousClock.now + window
        let key = project.secret
        let (admitted, offered) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for replica in [first, second] {
                for _ in 0..<6 {
                    group.addTask {
                        var (admitted, offered) = (0, 0)
                        while ContinuousClock.now < end {
                            let status = try await replica.send("GET", "/v1/whoami", headers: ["X-API-Key": key]).status
                            offered += 1
                            if status == 200 { admitted += 1 }
                        }
                        return (admitted, offered)
                    }
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let seconds = 4.0
        // Generous: 1.3 × the budget over the window plus a burst (without the sharing it is about 2 ×).
        let bound = Int(1.3 * Double(perSecond) * seconds) + burst
        #expect(admitted <= bound, "admitted \(admitted) of \(offered) in \(seconds) s; at most \(bound) expected")
        #expect(admitted >= Int(0.7 * Double(perSecond) * seconds), "the budget is still granted: \(admitted)")
        // Meaningful only if the replicas were offered clearly more than one budget each.
        #expect(offered > Int(1.5 * Double(2 * perSecond) * seconds), "offered \(offered)")
    }
}
