import Contracts
import Foundation
import ServiceKit
import Testing
import Wire
@testable import BillingService

@Suite("Billing reservations", .enabled(if: BillingTestDatabase.isAvailable))
struct ReservationTests {
    @Test("200 concurrent reservations through two Billing replicas against a wallet covering 37: exactly 37 succeed")
    func noOverdraft() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 3)
            let project = try await h.project(plan: "payg", credit: 37 * 3)
            let replicas = try await BillingReplicas(schema: h.schema)
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    let client = replicas.clients[index % 2]
                    group.addTask {
                        let context = CallContext(requestID: "r\(index)", projectID: project, deadline: .now + .seconds(60))
                        do {
                            let reservation = try await client.call(
                                BillingContract.reserve, ReserveRequest(meter: "email", units: 1), context)
                            return reservation.id ?? "unmetered"
                        } catch {
                            return PublicError.from(error)?.code.rawValue ?? "other: \(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let reserved = outcomes.filter { $0.hasPrefix("rsv_") }
            #expect(reserved.count == 37)
            #expect(outcomes.filter { $0 == "INSUFFICIENT_CREDITS" }.count == 163)
            #expect(try await h.wallet(project) == WalletView(balanceCents: 111, currency: "USD", reservedCents: 111))
            for id in reserved {
                let context = CallContext(requestID: "c", deadline: .now + .seconds(10))
                _ = try await replicas.clients[1].call(BillingContract.capture, SettleRequest(reservationID: id), context)
            }
            #expect(try await h.wallet(project) == WalletView(balanceCents: 0, currency: "USD", reservedCents: 0))
            // The 37 captures, posted together when the wallet was read: one usage entry.
            #expect(try await h.entries(project, type: "usage").map(\.amountCents) == [-111])
            await replicas.shutdown()
        }
    }

    @Test("capture and release are idempotent; a released reservation is not charged and gives its units back")
    func settleTwice() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 2, includedEmail: 1)
            let project = try await h.project(plan: "payg", credit: 100)
            let first = try await h.store.reserve(projectID: project, meter: "email", units: 3)
            #expect(first.amountCents == 4)
            #expect(try await h.wallet(project).reservedCents == 4)
            #expect(try await h.store.settle("capture", reservationID: first.id!) == "captured")
            _ = try await h.wallet(project)   // posts the captured usage
            let afterCapture = try await h.transactionCount()
            #expect(try await h.store.settle("capture", reservationID: first.id!) == "captured")
            #expect(try await h.store.settle("release", reservationID: first.id!) == "captured")
            #expect(try await h.transactionCount() == afterCapture)
            #expect(try await h.wallet(project) == WalletView(balanceCents: 96, currency: "USD", reservedCents: 0))

            let second = try await h.store.reserve(projectID: project, meter: "email", units: 2)
            #expect(second.amountCents == 4)
            #expect(try await h.store.settle("release", reservationID: second.id!) == "released")
            #expect(try await h.store.settle("release", reservationID: second.id!) == "released")
            #expect(try await h.store.settle("capture", reservationID: second.id!) == "released")
            #expect(try await h.transactionCount() == afterCapture)
            #expect(try await h.wallet(project) == WalletView(balanceCents: 96, currency: "USD", reservedCents: 0))
            let usage = try await h.store.usage(projectID: project).data.first { $0.meter == "email" }
            #expect(usage?.used == 3 && usage?.overageUnits == 2 && usage?.overageCents == 4)
            #expect(try await h.store.settle("capture", reservationID: "rsv_nope") == "unknown")
        }
    }

    @Test("a request is accepted whole or refused whole, with what is available")
    func wholeOrNothing() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 10)
            let project = try await h.project(plan: "payg", credit: 45)
            let refused = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 5) }
            #expect(refused?.code == .insufficientCredits && refused?.balanceCents == 45)
            #expect(try await h.wallet(project).reservedCents == 0)
            _ = try await h.store.reserve(projectID: project, meter: "email", units: 4)
            let after = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 1) }
            #expect(after?.balanceCents == 5)
            let meter = await publicError { try await h.store.reserve(projectID: project, meter: "sms", units: 1) }
            #expect(meter?.code == .validationFailed && meter?.field == "meter")
            let units = await publicError { try await h.store.reserve(projectID: project, meter: "email", units: 0) }
            #expect(units?.field == "units")
        }
    }

    @Test("reservations never settled are released after 24 hours")
    func expiry() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 10)
            let project = try await h.project(plan: "payg", credit: 100)
            let held = try await h.store.reserve(projectID: project, meter: "email", units: 2)
            try await h.shiftClock(seconds: 86_399)
            try await h.store.runDue()
            #expect(try await h.wallet(project).reservedCents == 20)
            try await h.shiftClock(seconds: 1)
            try await h.store.runDue()
            #expect(try await h.wallet(project) == WalletView(balanceCents: 100, currency: "USD", reservedCents: 0))
            #expect(try await h.store.settle("capture", reservationID: held.id!) == "released")
        }
    }

    @Test("a project with metering off passes without a reservation")
    func meteringOff() async throws {
        try await BillingHarness.with { h in
            let project = try await h.project()
            _ = try await h.store.setUpAccount(SetUpAccountRequest(projectID: project, metering: false))
            for _ in 0..<3 {
                #expect(try await h.store.reserve(projectID: project, meter: "email", units: 50).id == nil)
            }
            #expect(try await h.store.subscription(projectID: project).trial?.unitsUsed == 0)
        }
    }

    @Test("usage thresholds 70, 85 and 95 % make one alert each per period")
    func thresholds() async throws {
        try await BillingHarness.with { h in
            try await h.paygPlan(cents: 1, includedEmail: 20)
            let project = try await h.project(plan: "payg", credit: 100)
            for units: Int64 in [13, 1, 3, 1, 2, 5] {
                let reservation = try await h.store.reserve(projectID: project, meter: "email", units: units)
                _ = try await h.store.settle("release", reservationID: reservation.id!)
                _ = try await h.store.reserve(projectID: project, meter: "email", units: units)
            }
            let usage = try await h.store.usage(projectID: project).data.first { $0.meter == "email" }
            #expect(usage?.thresholdsCrossed == [70, 85, 95])
            let alerts = try await h.pool.query(
                "SELECT data->>'threshold' FROM \(h.schema).alerts WHERE type = 'billing.quota.threshold' ORDER BY 1")
            #expect(try alerts.map { try $0.decode(String.self, at: 0) } == ["70", "85", "95"])
        }
    }
}
