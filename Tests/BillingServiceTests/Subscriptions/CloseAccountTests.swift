import Contracts
import Foundation
import ServiceKit
import Testing
@testable import BillingService

@Suite("Billing account close (onboarding's undo)", .enabled(if: BillingTestDatabase.isAvailable))
struct CloseAccountTests {
    @Test("an account that never moved money goes whole, twice is fine; money history, holds or referrals refuse")
    func close() async throws {
        try await BillingHarness.with { h in
            let fresh = try await h.project()
            _ = try await h.store.usage(projectID: fresh)
            try await h.store.closeAccount(projectID: fresh)
            try await h.store.closeAccount(projectID: fresh)
            try await h.store.closeAccount(projectID: "prj_never_seen")
            let left = try await h.pool.query("""
                SELECT (SELECT count(*) FROM \(h.schema).subscriptions WHERE project_id = $1)
                     + (SELECT count(*) FROM \(h.schema).accounts WHERE project_id = $1)
                     + (SELECT count(*) FROM \(h.schema).usage WHERE project_id = $1)
                """, [fresh])[0].decode(Int.self, at: 0)
            #expect(left == 0)

            let funded = try await h.project(credit: 500)
            #expect(await publicError { try await h.store.closeAccount(projectID: funded) }?.code == .conflict)
            let holding = try await h.project()
            _ = try await h.store.reserve(projectID: holding, meter: "email", units: 1)
            #expect(await publicError { try await h.store.closeAccount(projectID: holding) }?.code == .conflict)
            let referrer = try await h.project()
            let code = try await h.store.referrals(projectID: referrer).code
            _ = try await h.project(referralCode: code)
            #expect(await publicError { try await h.store.closeAccount(projectID: referrer) }?.code == .conflict)
            #expect(try await h.store.wallet(projectID: funded).balanceCents == 500, "nothing of a refused close changed")
        }
    }
}
