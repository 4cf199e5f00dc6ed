import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

/// Batches spanning many projects (``BillingCrossProjectBatchSQL``) answer and write what the same calls one by one
/// (`reserve`, `capture`) would.
@Suite("Billing cross-project batches", .enabled(if: BillingTestDatabase.isAvailable))
struct CrossProjectBatchTests {
    /// The projects of one world; two identical worlds are built, one served by the batch, one call by call.
    struct World {
        var dry = "", quota = "", trial = "", shortTrial = "", locked = "", pastDue = "", unmetered = "", unknown = ""
        var all: [String] { [dry, quota, trial, shortTrial, locked, pastDue, unmetered, unknown] }
    }

    func world(_ h: BillingHarness, _ tag: String) async throws -> World {
        func id(_ name: String) -> String { "prj_\(tag)_\(name)_" + UUID().uuidString.prefix(6).lowercased() }
        var w = World()
        w.dry = try await h.project(id("dry"), plan: "payg", credit: 10)
        w.quota = try await h.project(id("quota"), plan: "quota", credit: 5)
        w.trial = try await h.project(id("trial"))
        w.shortTrial = try await h.project(id("short"))
        try await h.pool.execute("UPDATE \(h.schema).subscriptions SET trial_units_limit = 3 WHERE project_id = $1", [w.shortTrial])
        w.locked = try await h.project(id("locked"), plan: "payg", credit: 100)
        try await h.pool.execute("UPDATE \(h.schema).subscriptions SET status = 'locked' WHERE project_id = $1", [w.locked])
        w.pastDue = try await h.project(id("pastdue"), plan: "payg", credit: 7)
        try await h.pool.execute("UPDATE \(h.schema).subscriptions SET status = 'past_due' WHERE project_id = $1", [w.pastDue])
        w.unmetered = try await h.project(id("unmetered"), plan: "payg", credit: 1)
        try await h.pool.execute("UPDATE \(h.schema).subscriptions SET metering = false WHERE project_id = $1", [w.unmetered])
        w.unknown = id("unknown")
        return w
    }

    /// The batch's calls, interleaved across projects: `dry` runs out of credit mid-batch (a big call refused, a
    /// smaller one after it still fits), `quota` crosses its thresholds and uses two meters, `shortTrial` runs out
    /// of trial units and locks.
    func calls(_ w: World) -> [(project: String, meter: String, units: Int64)] {
        [
            (w.dry, "email", 1), (w.quota, "email", 6), (w.trial, "email", 2), (w.dry, "email", 1),
            (w.shortTrial, "email", 2), (w.locked, "email", 1), (w.dry, "email", 2), (w.quota, "whatsapp", 1),
            (w.pastDue, "email", 1), (w.dry, "email", 2), (w.shortTrial, "email", 2), (w.unmetered, "email", 5),
            (w.quota, "email", 3), (w.dry, "email", 1), (w.shortTrial, "email", 1), (w.unknown, "email", 1),
            (w.dry, "email", 1), (w.quota, "email", 2), (w.shortTrial, "email", 1), (w.trial, "whatsapp", 1),
            (w.quota, "email", 1), (w.dry, "whatsapp", 1),
        ]
    }

    /// What can be compared between the worlds about one project: wallet, usage, subscription, alerts.
    func state(_ h: BillingHarness, _ project: String) async throws -> String {
        let wallet = try await h.wallet(project)
        let usage = try await h.store.usage(projectID: project).data.map {
            "\($0.meter):\($0.used)/\($0.included) over \($0.overageUnits)=\($0.overageCents)c \($0.thresholdsCrossed)"
        }
        let sub = try await h.store.subscription(projectID: project)
        let alerts = try await h.pool.query("""
            SELECT type || ' ' || COALESCE(data->>'meter', '') || ' ' || COALESCE(data->>'threshold', '') || ' '
                   || COALESCE(data->>'used', '') FROM \(h.schema).alerts WHERE project_id = $1 ORDER BY 1
            """, [project]).map { try $0.decode(String.self, at: 0) }
        let usageEntries = try await h.entries(project, type: "usage").reduce(Int64(0)) { $0 + $1.amountCents }
        return "\(wallet.balanceCents)/\(wallet.reservedCents) \(usage) \(sub.status) \(sub.trial?.unitsUsed ?? -1) "
            + "\(alerts) usage \(usageEntries)"
    }

    @Test("a batch spanning many projects (one running dry mid-batch, trials, locked, past due, unmetered, unknown) answers and writes what one by one would")
    func mixedBatch() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 3, includedEmail: 2)
            _ = try await h.store.putPlan(PlanView(
                id: "quota", name: "Quota", priceCents: 0, includedEmail: 10, includedWhatsapp: 0,
                overageEmailCents: 1, overageWhatsappCents: 2, instances: 1, whiteLabel: false))
            let batched = try await world(h, "a")
            let single = try await world(h, "b")

            let batch = calls(batched).enumerated().map {
                (project: $1.project, item: ReserveItem(meter: $1.meter, units: $1.units, id: "rsv_a\($0)"))
            }
            let outcomes = try await BillingStore.reserveMany(batch, pool: h.pool, schema: h.schema)
            var expected: [ReserveOutcome] = []
            for (index, call) in calls(single).enumerated() {
                let row = try await h.pool.query(
                    "SELECT o_outcome, o_available, o_amount FROM \(h.schema).reserve($1, $2, $3, $4, \(h.schema).billing_now())",
                    [call.project, call.meter, call.units, "rsv_b\(index)"]).first!
                let (outcome, available, amount) = try row.decode((String, Int64, Int64).self)
                expected.append(ReserveOutcome(outcome: outcome, available: available, amount: amount))
            }
            #expect(outcomes == expected)
            #expect(Set(outcomes.map(\.outcome)) == ["reserved", "insufficient", "trial_short", "trial_ended", "unmetered"])
            #expect(outcomes.filter { $0.outcome == "insufficient" }.count >= 3, "dry ran out mid-batch, past due refused")
            for (a, b) in zip(batched.all, single.all) {
                #expect(try await state(h, a) == state(h, b), "after reserving: \(a)")
            }

            // Captures: the batch's open reservations (and an unknown id, and a repeat) in one batch, against one
            // by one.
            let held = zip(outcomes, batch).filter { $0.0.outcome == "reserved" }.map(\.1.item.id)
            let statuses = try await BillingStore.settleMany("capture", held + [held[0], "rsv_nope"], pool: h.pool, schema: h.schema)
            #expect(statuses == Array(repeating: "captured", count: held.count + 1) + ["unknown"])
            for (index, outcome) in expected.enumerated() where outcome.outcome == "reserved" {
                let status = try await h.pool.query(
                    "SELECT \(h.schema).capture($1, \(h.schema).billing_now())", ["rsv_b\(index)"]).first!.decode(String.self, at: 0)
                #expect(status == "captured")
            }
            for (a, b) in zip(batched.all, single.all) {
                #expect(try await state(h, a) == state(h, b), "after capturing: \(a)")
            }
            // One usage entry per project and meter with overage for the batch; one per reservation one by one.
            #expect(try await h.entries(batched.dry, type: "usage").map(\.reference) == ["3 email (2 reservations)"])
            #expect(try await h.entries(single.dry, type: "usage").count == 2)
        }
    }

    @Test("a capture batch across projects whose wallets each hold several reservations keeps every balance_after_cents a running balance")
    func balancesAfter() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 2)
            var ids: [String] = []
            var projects: [String] = []
            for _ in 0..<5 {
                let project = try await h.project(plan: "payg", credit: 50)
                projects.append(project)
                for meter in ["email", "whatsapp", "email"] {
                    ids.append(try #require(try await h.store.reserve(projectID: project, meter: meter, units: 1).id))
                }
            }
            let statuses = try await BillingStore.settleMany("capture", ids.shuffled(), pool: h.pool, schema: h.schema)
            #expect(statuses == Array(repeating: "captured", count: ids.count))
            for project in projects {
                let entries = try await h.entries(project)
                #expect(entries.map(\.amountCents) == [50, -4, -5])
                #expect(entries.map(\.balanceAfterCents) == [50, 46, 41])
                #expect(try await h.wallet(project) == WalletView(balanceCents: 41, currency: "USD", reservedCents: 0))
            }
        }
    }

    @Test("a posting whose balance_after_cents is not the running balance is refused, and changes nothing")
    func wrongBalanceAfter() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(plan: "gratis", credit: 30)
            let before = try await h.wallet(project)
            await #expect(throws: (any Error).self) {
                try await h.pool.withTransaction { tx in
                    let seq = try await tx.query(
                        "SELECT \(h.schema).begin_entry($1, 'adjustment', 'wrong', NULL, now())", [project]
                    ).first!.decode(Int64.self, at: 0)
                    try await tx.execute("""
                        INSERT INTO \(h.schema).postings (transaction_seq, project_id, kind, type, amount_cents, balance_after_cents)
                        VALUES ($1, $2, 'wallet', 'adjustment', 5, 999), ($1, $2, 'promotions', 'adjustment', -5, -35)
                        """, [seq, project])
                }
            }
            #expect(try await h.wallet(project) == before)
        }
    }
}
