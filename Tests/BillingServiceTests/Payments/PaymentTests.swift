import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

@Suite("Billing payments", .enabled(if: BillingTestDatabase.isAvailable))
struct PaymentTests {
    func event(_ id: String, _ project: String, _ kind: String = "topup", cents: Int64, currency: String = "usd", reference: String = "cs_1")
        -> PaymentEventRequest
    {
        PaymentEventRequest(
            provider: "stripe", eventID: id, kind: kind, projectID: project, amountCents: cents, currency: currency,
            reference: reference)
    }

    @Test("a top-up is one ledger transaction ever; another currency is ignored; refunds add up per charge")
    func topUps() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            #expect(try await h.store.recordPayment(event("evt_1", project, cents: 2500)).outcome == "applied")
            #expect(try await h.store.recordPayment(event("evt_1", project, cents: 2500)).outcome == "duplicate")
            #expect(try await h.store.recordPayment(event("evt_2", project, cents: 900, currency: "EUR")).outcome == "ignored")
            #expect(try await h.wallet(project).balanceCents == 2500)
            #expect(try await h.entries(project).map(\.type) == ["topup"])
            #expect(try await h.store.recordPayment(event("evt_3", project, "refund", cents: 1000, reference: "ch_1")).outcome == "applied")
            #expect(try await h.store.recordPayment(event("evt_4", project, "refund", cents: 1500, reference: "ch_1")).outcome == "applied")
            #expect(try await h.store.recordPayment(event("evt_5", project, "refund", cents: 1500, reference: "ch_1")).outcome == "ignored")
            #expect(try await h.wallet(project).balanceCents == 1000)
            #expect(try await h.entries(project, type: "refund").map(\.amountCents) == [-1000, -500])
            let bad = await publicError { try await h.store.recordPayment(event("evt_6", project, cents: -5)) }
            #expect(bad?.field == "amount_cents")
        }
    }
}
