import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

/// Group commit's set-based batches (``BillingGroupedBatchSQL``) answer what the same calls one by one would.
@Suite("Billing batches", .enabled(if: BillingTestDatabase.isAvailable))
struct BatchTests {
    @Test("a batch of reservations: included units first, then credit, in order; thresholds once; a trial call by call")
    func reserveBatch() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 3, includedEmail: 2)
            let payg = try await h.project(plan: "payg", credit: 10)
            let trial = try await h.project()
            let items = (0..<6).map { ("a\($0)", payg, Int64(1)) } + [("b0", trial, 2), ("b1", trial, 1)]
            let batch = items.map { (project: $0.1, item: ReserveItem(meter: "email", units: $0.2, id: "rsv_" + $0.0)) }
            let outcomes = try await BillingStore.reserveMany(batch, pool: h.pool, schema: h.schema)
            #expect(outcomes.map(\.outcome) == Array(repeating: "reserved", count: 5) + ["insufficient", "reserved", "reserved"])
            #expect(outcomes.map(\.amount) == [0, 0, 3, 3, 3, 0, 0, 0])
            #expect(outcomes[5].available == 1)
            #expect(try await h.wallet(payg) == WalletView(balanceCents: 10, currency: "USD", reservedCents: 9))
            let usage = try await h.store.usage(projectID: payg).data.first { $0.meter == "email" }
            #expect(usage?.used == 5 && usage?.overageUnits == 3 && usage?.overageCents == 9)
            #expect(usage?.thresholdsCrossed == [70, 85, 95])
            let alerts = try await h.pool.query(
                "SELECT data->>'used' FROM \(h.schema).alerts WHERE type = 'billing.quota.threshold' AND project_id = $1",
                [payg])
            #expect(try alerts.map { try $0.decode(String.self, at: 0) } == ["2", "2", "2"])
            #expect(try await h.store.subscription(projectID: trial).trial?.unitsUsed == 3)
        }
    }

    @Test("a batch of captures: one usage entry per project and meter; repeats, released and unknown ids answer their state")
    func captureBatch() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 3, includedEmail: 1)
            let project = try await h.project(plan: "payg", credit: 100)
            let other = try await h.project(plan: "payg", credit: 100)
            var ids: [String] = []
            for _ in 0..<4 { ids.append(try #require(try await h.store.reserve(projectID: project, meter: "email", units: 1).id)) }
            let elsewhere = try #require(try await h.store.reserve(projectID: other, meter: "email", units: 2).id)
            #expect(try await h.store.settle("release", reservationID: ids[3]) == "released")
            let before = try await h.transactionCount()
            let batch = ids + [ids[0], "rsv_nope", elsewhere]
            let statuses = try await BillingStore.settleMany("capture", batch, pool: h.pool, schema: h.schema)
            #expect(statuses == ["captured", "captured", "captured", "released", "captured", "unknown", "captured"])
            // Captured usage waits in pending_usage (still held) until it is posted: one entry per project and meter.
            #expect(try await h.transactionCount() == before)
            #expect(try await h.store.postUsage(h.pool, projectID: nil) == 2)
            #expect(try await h.transactionCount() == before + 2)
            let entries = try await h.entries(project, type: "usage")
            #expect(entries.map(\.amountCents) == [-6])
            #expect(entries.first?.reference == "2 email (2 reservations)")
            #expect(try await h.wallet(project) == WalletView(balanceCents: 94, currency: "USD", reservedCents: 0))
            #expect(try await h.entries(other, type: "usage").map(\.reference) == ["1 email (\(elsewhere))"])
            #expect(try await h.wallet(other) == WalletView(balanceCents: 97, currency: "USD", reservedCents: 0))
            let again = try await BillingStore.settleMany("capture", batch, pool: h.pool, schema: h.schema)
            #expect(again == statuses)
            #expect(try await h.transactionCount() == before + 2)
        }
    }

    @Test("a capture batch whose database session is killed midway (a kill -9 as PostgreSQL sees it) writes nothing; the retry captures each once")
    func killedMidBatch() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 2)
            let project = try await h.project(plan: "payg", credit: 100)
            var reserved: [String] = []
            for _ in 0..<10 { reserved.append(try #require(try await h.store.reserve(projectID: project, meter: "email", units: 1).id)) }
            let ids = reserved
            let blocked = ids.sorted()[5]
            // Another session holds the sixth reservation (in the batch's id order): the batch captures five, waits,
            // and is killed there.
            let batch = try await h.pool.withTransaction { tx in
                try await tx.execute("SELECT 1 FROM \(h.schema).reservations WHERE id = $1 FOR UPDATE", [blocked])
                let batch = Task { try await BillingStore.settleMany("capture", ids, pool: h.pool, schema: h.schema) }
                #expect(try await h.terminateWhenWaiting("settle_many") == 1, "the batch was never seen waiting")
                return batch
            }
            await #expect(throws: (any Error).self) { try await batch.value }
            #expect(try await h.wallet(project) == WalletView(balanceCents: 100, currency: "USD", reservedCents: 20))
            #expect(try await h.entries(project, type: "usage").isEmpty)

            #expect(try await BillingStore.settleMany("capture", ids, pool: h.pool, schema: h.schema) == Array(repeating: "captured", count: 10))
            #expect(try await BillingStore.settleMany("capture", ids, pool: h.pool, schema: h.schema) == Array(repeating: "captured", count: 10))
            #expect(try await h.entries(project, type: "usage").map(\.amountCents) == [-20])
            #expect(try await h.wallet(project) == WalletView(balanceCents: 80, currency: "USD", reservedCents: 0))
        }
    }

    @Test("captured usage stays held until posted (available credit never moves); a posting killed midway writes nothing; concurrent postings write it once")
    func postingOnce() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 2)
            let project = try await h.project(plan: "payg", credit: 100)
            var ids: [String] = []
            for _ in 0..<6 { ids.append(try #require(try await h.store.reserve(projectID: project, meter: "email", units: 1).id)) }
            let available = { try await h.pool.query("SELECT \(h.schema).available($1)", [project]).first!.decode(Int64.self, at: 0) }
            #expect(try await available() == 88)
            _ = try await BillingStore.settleMany("capture", Array(ids[0..<3]), pool: h.pool, schema: h.schema)
            _ = try await BillingStore.settleMany("capture", Array(ids[3...]), pool: h.pool, schema: h.schema)
            #expect(try await available() == 88)
            let before = try await h.transactionCount()
            // Another session holds the project's wallet: a posting takes the pending row, waits there and is killed.
            try await h.pool.withTransaction { tx in
                try await tx.execute("SELECT 1 FROM \(h.schema).accounts WHERE project_id = $1 AND kind = 'wallet' FOR UPDATE", [project])
                let posting = Task { try await h.store.postUsage(h.pool, projectID: project) }
                #expect(try await h.terminateWhenWaiting("post_usage") == 1, "the posting was never seen waiting")
                await #expect(throws: (any Error).self) { try await posting.value }
            }
            #expect(try await h.transactionCount() == before)
            #expect(try await available() == 88)
            async let first = h.store.postUsage(h.pool, projectID: project)
            async let second = h.store.postUsage(h.pool, projectID: nil)
            #expect(try await first + second == 1)
            #expect(try await h.entries(project, type: "usage").map(\.amountCents) == [-12])
            #expect(try await h.entries(project, type: "usage").first?.reference == "6 email (6 reservations)")
            #expect(try await h.wallet(project) == WalletView(balanceCents: 88, currency: "USD", reservedCents: 0))
        }
    }
}
