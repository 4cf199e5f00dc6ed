import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

@Suite("Billing ledger", .enabled(if: BillingTestDatabase.isAvailable))
struct LedgerTests {
    @Test("entries cannot be updated, deleted or truncated")
    func immutable() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 500)
            for statement in [
                "UPDATE \(h.schema).postings SET amount_cents = 1", "DELETE FROM \(h.schema).postings",
                "UPDATE \(h.schema).transactions SET reference = 'x'", "DELETE FROM \(h.schema).transactions",
                "TRUNCATE \(h.schema).postings CASCADE",
            ] {
                await #expect(throws: PostgresError.self) { try await h.pool.execute(statement) }
            }
            #expect(try await h.wallet(project).balanceCents == 500)
        }
    }

    @Test("a transaction whose postings do not sum to zero is refused at commit")
    func balanced() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            await #expect(throws: PostgresError.self) {
                try await h.pool.withTransaction { tx in
                    let seq = try await tx.query(
                        "SELECT \(h.schema).begin_entry($1, 'adjustment', 'x', NULL, now())", [project]
                    ).first!.decode(Int64.self, at: 0)
                    try await tx.execute("SELECT \(h.schema).post($1, $2, 'wallet', 'adjustment', 100)", [seq, project])
                }
            }
            #expect(try await h.transactionCount() == 0)
            #expect(try await h.wallet(project).balanceCents == 0)
        }
    }

    @Test("a transaction with no postings is refused at commit")
    func neverEmpty() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 200)
            await #expect(throws: PostgresError.self) {
                try await h.pool.execute("SELECT \(h.schema).begin_entry($1, 'adjustment', 'empty', NULL, now())", [project])
            }
            #expect(try await h.transactionCount() == 1)
            #expect(try await h.wallet(project).balanceCents == 200)
        }
    }

    @Test("postings can only join a transaction made by the same database transaction: a committed one is closed")
    func committedTransactionsAreClosed() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 300)
            let seq = try await h.pool.query(
                "SELECT transaction_seq FROM \(h.schema).postings WHERE project_id = $1 ORDER BY seq DESC LIMIT 1", [project]
            ).first!.decode(Int64.self, at: 0)
            // A balanced pair added to the committed top-up, and a posting naming no transaction at all.
            for target in [seq, seq + 1_000_000] {
                let error = await #expect(throws: PostgresError.self) {
                    try await h.pool.withTransaction { tx in
                        try await tx.execute("SELECT \(h.schema).post($1, $2, 'wallet', 'adjustment', 5)", [target, project])
                        try await tx.execute("SELECT \(h.schema).post($1, $2, 'promotions', 'adjustment', -5)", [target, project])
                    }
                }
                #expect(error?.sqlState == "23503")
            }
            #expect(try await h.wallet(project).balanceCents == 300)
        }
    }

    @Test("an account with postings is never deleted; accounts are never truncated")
    func accountsKept() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 100)
            for statement in [
                "DELETE FROM \(h.schema).accounts WHERE project_id = '\(project)'", "TRUNCATE \(h.schema).accounts CASCADE",
            ] {
                await #expect(throws: PostgresError.self) { try await h.pool.execute(statement) }
            }
            #expect(try await h.wallet(project).balanceCents == 100)
        }
    }

    @Test("adjustments: positive, negative down to zero, bad amounts refused with the field and nothing written")
    func adjustments() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project(credit: 1000)
            let debit = try await h.store.adjust(AdjustCreditsRequest(projectID: project, amountCents: -400, reason: "fix"))
            #expect(debit.type == "adjustment" && debit.amountCents == -400 && debit.balanceAfterCents == 600)
            let before = try await h.transactionCount()
            for amount: Int64 in [-601, 0, 1_000_000_001, -1_000_000_001] {
                let error = await publicError {
                    try await h.store.adjust(AdjustCreditsRequest(projectID: project, amountCents: amount, reason: "x"))
                }
                #expect(error?.code == .validationFailed && error?.field == "amount_cents")
            }
            let blank = await publicError {
                try await h.store.adjust(AdjustCreditsRequest(projectID: project, amountCents: 5, reason: "  "))
            }
            #expect(blank?.field == "reason")
            #expect(try await h.transactionCount() == before)
            // The same idempotency key is the same entry.
            let first = try await h.store.adjust(
                AdjustCreditsRequest(projectID: project, amountCents: 50, reason: "promo", idempotencyKey: "k1"))
            let again = try await h.store.adjust(
                AdjustCreditsRequest(projectID: project, amountCents: 50, reason: "promo", idempotencyKey: "k1"))
            #expect(first == again)
            #expect(try await h.wallet(project).balanceCents == 650)
            let ledger = try await h.store.ledger(projectID: project, page: PageQuery(limit: 2))
            #expect(ledger.data.map(\.amountCents) == [50, -400])
            let rest = try await h.store.ledger(projectID: project, page: PageQuery(limit: 2, cursor: ledger.nextCursor))
            #expect(rest.data.map(\.amountCents) == [1000] && rest.nextCursor == nil)
        }
    }
}
