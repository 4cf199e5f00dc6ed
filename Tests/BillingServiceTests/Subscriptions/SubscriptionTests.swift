import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

@Suite("Billing subscriptions", .enabled(if: BillingTestDatabase.isAvailable))
struct SubscriptionTests {
    @Test("a trial allows its 100th unit and refuses the 101st with TRIAL_ENDED and the contract's message")
    func trialByUnits() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            let trial = try await h.store.subscription(projectID: project)
            #expect(trial.plan == "trial" && trial.status == "trialing" && trial.trial?.daysLeft == 14)
            #expect(trial.trial?.unitsLimit == 100)
            _ = try await h.store.reserve(projectID: project, meter: "email", units: 50)
            let short = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 51) }
            #expect(short?.code == .insufficientCredits)
            for _ in 0..<50 { _ = try await h.store.reserve(projectID: project, meter: "whatsapp", units: 1) }
            let ended = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 1) }
            #expect(ended?.code == .trialEnded && ended?.message == BillingLimits.trialEndedMessage)
            let locked = try await h.store.subscription(projectID: project)
            #expect(locked.status == "locked" && locked.trial?.unitsUsed == 100)
            // Reads still work; choosing a plan unlocks (gratis costs nothing) and trial units do not carry over.
            _ = try await h.store.wallet(projectID: project)
            let chosen = try await h.store.changePlan(projectID: project, planID: "gratis")
            #expect(chosen.plan == "gratis" && chosen.status == "active" && chosen.trial == nil)
            #expect(try await h.store.usage(projectID: project).data.allSatisfy { $0.used == 0 })
            _ = try await h.store.reserve(projectID: project, meter: "email", units: 1)
        }
    }

    @Test("a trial ends after 14 days; days_left is rounded up; trial.ending and trial.ended alerts once each")
    func trialByDays() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            try await h.shiftClock(seconds: 1)
            #expect(try await h.store.subscription(projectID: project).trial?.daysLeft == 14)
            try await h.shiftClock(seconds: 11 * 86_400)
            #expect(try await h.store.subscription(projectID: project).trial?.daysLeft == 3)
            try await h.store.runDue()
            try await h.store.runDue()
            _ = try await h.store.reserve(projectID: project, meter: "email", units: 1)
            try await h.shiftClock(seconds: 3 * 86_400)
            #expect(try await h.store.subscription(projectID: project).status == "locked")
            try await h.store.runDue()
            let ended = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 1) }
            #expect(ended?.code == .trialEnded)
            let alerts = try await h.pool.query("SELECT type FROM \(h.schema).alerts ORDER BY type")
            #expect(try alerts.map { try $0.decode(String.self, at: 0) } == ["billing.trial.ended", "billing.trial.ending"])
        }
    }

    @Test("choosing a plan from the trial charges it in full; short of credit → 402 and nothing changes")
    func trialToPlan() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 1000)
            let refused = await publicError { try await h.store.changePlan(projectID: project, planID: "starter") }
            #expect(refused?.code == .insufficientCredits && refused?.balanceCents == 1000)
            #expect(try await h.store.subscription(projectID: project).plan == "trial")
            _ = try await h.store.adjust(AdjustCreditsRequest(projectID: project, amountCents: 600, reason: "more"))
            let active = try await h.store.changePlan(projectID: project, planID: "starter")
            #expect(active.plan == "starter" && active.status == "active")
            #expect(try await h.entries(project, type: "plan_charge").map(\.amountCents) == [-1500])
            let unknown = await publicError { try await h.store.changePlan(projectID: project, planID: "platinum") }
            #expect(unknown?.code == .validationFailed && unknown?.field == "plan")
        }
    }

    @Test("an upgrade charges the prorated difference to the cent; a downgrade waits for the period's end")
    func upgradeAndDowngrade() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(plan: "starter", credit: 30_000)
            try await h.shiftClock(seconds: 10 * 86_400 + 3_777)
            let upgraded = try await h.store.changePlan(projectID: project, planID: "partner")
            #expect(upgraded.plan == "partner" && upgraded.pendingPlan == nil)
            let charge = try #require(try await h.entries(project, type: "plan_charge").last)
            let total = Int64(upgraded.currentPeriodEnd.timeIntervalSince(upgraded.currentPeriodStart).rounded())
            let left = Int64(upgraded.currentPeriodEnd.timeIntervalSince(charge.at).rounded(.down))
            let expected = ((19_900 - 1_500) * left * 2 + total) / (2 * total)
            #expect(charge.amountCents == -expected)
            #expect(try await h.store.usage(projectID: project).data.first?.included == 500_000)

            let pending = try await h.store.changePlan(projectID: project, planID: "starter")
            #expect(pending.plan == "partner" && pending.pendingPlan == "starter")
            let balance = try await h.wallet(project).balanceCents
            try await h.shiftClock(seconds: 21 * 86_400)
            #expect(try await h.store.runDue() == 1)
            let renewed = try await h.store.subscription(projectID: project)
            #expect(renewed.plan == "starter" && renewed.pendingPlan == nil && renewed.status == "active")
            #expect(try await h.wallet(project).balanceCents == balance - 1_500)
        }
    }

    @Test("bad input: unknown plan, bad catalog amounts, unknown referral code → 400 with the field, nothing written")
    func badInput() async throws {
        try await BillingHarness.with { h in
            let unknown = await publicError { try await h.store.setUpAccount(SetUpAccountRequest(projectID: "prj_x", plan: "gold")) }
            #expect(unknown?.field == "plan")
            let code = await publicError {
                try await h.store.setUpAccount(SetUpAccountRequest(projectID: "prj_y", referralCode: "nope"))
            }
            #expect(code?.field == "referral_code")
            let rows = try await h.pool.query("SELECT 1 FROM \(h.schema).subscriptions")
            #expect(rows.isEmpty)
            var plan = PlanView(id: "big", name: "Big", priceCents: 1_000_000_001, includedEmail: 1, includedWhatsapp: 1, instances: 1, whiteLabel: false)
            let e1 = await publicError { try BillingHandlers.checked(plan) }
            #expect(e1?.field == "price_cents")
            plan.priceCents = 100
            plan.overageEmailCents = -1
            let e2 = await publicError { try BillingHandlers.checked(plan) }
            #expect(e2?.field == "overage_cents.email")
            plan.overageEmailCents = 1
            plan.currency = "EUR"
            let e3 = await publicError { try BillingHandlers.checked(plan) }
            #expect(e3?.field == "currency")
            plan.currency = "usd"
            let checked = try BillingHandlers.checked(plan)
            #expect(checked.currency == "USD")
        }
    }
}
