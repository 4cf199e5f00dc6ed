import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

/// A crash injected between the charge and the commit.
struct SimulatedCrash: Error {}

@Suite("Billing cycle", .enabled(if: BillingTestDatabase.isAvailable))
struct CycleTests {
    static let month: Int64 = 31 * 86_400

    /// How many plan charges the project paid.
    func charges(_ h: BillingHarness, _ project: String) async throws -> Int {
        try await h.entries(project, type: "plan_charge").count
    }

    @Test("renewal runs once per period however often the cycle runs")
    func runTwice() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(plan: "starter", credit: 5_000)
            try await h.shiftClock(seconds: Self.month)
            #expect(try await h.store.runDue() == 1)
            #expect(try await h.store.runDue() == 0)
            #expect(try await charges(h, project) == 1)
            #expect(try await h.wallet(project).balanceCents == 3_500)
            let periods = try await h.pool.query("SELECT period_index FROM \(h.schema).periods WHERE project_id = $1 ORDER BY 1", [project])
            #expect(try periods.map { try $0.decode(Int.self, at: 0) } == [0, 1])
        }
    }

    @Test("two replicas running the cycle at once charge each project once per period")
    func twoReplicas() async throws {
        try await BillingHarness.with { h in
            var projects: [String] = []
            for _ in 0..<12 { projects.append(try await h.project(plan: "starter", credit: 10_000)) }
            let other = try await BillingHarness(schema: h.schema)
            try await h.shiftClock(seconds: 2 * Self.month)
            async let a = h.store.runDue()
            async let b = other.store.runDue()
            let renewed = try await a + b
            #expect(renewed == 24)
            for project in projects { #expect(try await charges(h, project) == 2) }
            await other.pool.close()
        }
    }

    @Test("a crash between the charge and the commission rolls both back; the next run pays each exactly once")
    func killedMidRun() async throws {
        try await BillingHarness.with { h in
            let referrer = try await h.project(plan: "gratis")
            let code = try await h.store.referrals(projectID: referrer).code
            let project = try await h.project(plan: "starter", credit: 5_000, referralCode: code)
            try await h.shiftClock(seconds: Self.month)
            await #expect(throws: SimulatedCrash.self) {
                try await h.store.runDue { _ in throw SimulatedCrash() }
            }
            #expect(try await charges(h, project) == 0)
            #expect(try await h.wallet(referrer).balanceCents == 0)
            #expect(try await h.store.runDue() == 2)   // the project and its referrer (gratis)
            #expect(try await h.store.runDue() == 0)
            #expect(try await charges(h, project) == 1)
            #expect(try await h.entries(referrer, type: "commission").map(\.amountCents) == [300])
        }
    }

    @Test("the database session dying between the charge and the commit (as a kill -9 does) loses nothing and doubles nothing")
    func sessionKilledMidRun() async throws {
        try await BillingHarness.with { h in
            let referrer = try await h.project(plan: "gratis")
            let code = try await h.store.referrals(projectID: referrer).code
            let project = try await h.project(plan: "partner", credit: 50_000, referralCode: code)
            try await h.shiftClock(seconds: Self.month)
            let killer = try await BillingHarness(schema: h.schema, connections: 1)
            await #expect(throws: (any Error).self) {
                try await h.store.runDue { _ in
                    try await killer.pool.execute("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()
                        """)
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            await killer.pool.close()
            #expect(try await charges(h, project) == 0)
            try await h.store.runDue()
            try await h.store.runDue()
            #expect(try await charges(h, project) == 1)
            #expect(try await h.entries(referrer, type: "commission").map(\.amountCents) == [3_980])
            #expect(try await h.wallet(project).balanceCents == 50_000 - 19_900)
        }
    }

    @Test("billing.credits.low once when the wallet is below 10 % of what the ended period spent")
    func creditsLow() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 3_100)
            _ = try await h.store.changePlan(projectID: project, planID: "starter")   // 1,500 spent in period 1
            try await h.shiftClock(seconds: Self.month)
            try await h.store.runDue()                                                 // 1,500 more: 100 left
            try await h.store.runDue()
            let alerts = try await h.pool.query(
                "SELECT data->>'balance_cents' FROM \(h.schema).alerts WHERE type = 'billing.credits.low'")
            #expect(try alerts.map { try $0.decode(String.self, at: 0) } == ["100"])
        }
    }

    @Test("short at renewal → past_due and 402; a top-up covering it takes the charge and makes it active")
    func pastDue() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(plan: "starter", credit: 1_000)
            try await h.shiftClock(seconds: Self.month)
            try await h.store.runDue()
            #expect(try await h.store.subscription(projectID: project).status == "past_due")
            let refused = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 1) }
            #expect(refused?.code == .insufficientCredits && refused?.balanceCents == 1_000)
            let topUp = PaymentEventRequest(
                provider: "payments", eventID: "pay_1", kind: "topup", projectID: project, amountCents: 2_000,
                currency: "USD", reference: "pay_1")
            #expect(try await h.store.recordPayment(topUp).outcome == "applied")
            #expect(try await h.store.subscription(projectID: project).status == "active")
            #expect(try await h.wallet(project).balanceCents == 1_500)
            #expect(try await charges(h, project) == 1)
            _ = try await h.store.reserve(projectID: project, meter: "email", units: 1)
        }
    }

    @Test("a referral chain of three over two periods: 20 % to the referrer, 5 % to its referrer, each charge")
    func referralChain() async throws {
        try await BillingHarness.with { h in
            let a = try await h.project(plan: "gratis")
            let b = try await h.project(credit: 10_000, referralCode: try await h.store.referrals(projectID: a).code)
            let c = try await h.project(credit: 50_000, referralCode: try await h.store.referrals(projectID: b).code)
            _ = try await h.store.changePlan(projectID: b, planID: "starter")      // A +300
            _ = try await h.store.changePlan(projectID: c, planID: "partner")      // B +3980, A +995
            try await h.shiftClock(seconds: Self.month)
            try await h.store.runDue()                                              // both renew again
            #expect(try await h.entries(b, type: "commission").map(\.amountCents) == [3_980, 3_980])
            #expect(try await h.entries(a, type: "commission").map(\.amountCents).sorted() == [300, 300, 995, 995])
            let referrals = try await h.store.referrals(projectID: a)
            #expect(referrals.level1 == 1 && referrals.level2 == 1 && referrals.earnedCentsTotal == 2_590)
            #expect(try await h.wallet(c).balanceCents == 50_000 - 2 * 19_900)
        }
    }
}
