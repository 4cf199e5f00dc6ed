import Contracts
import Foundation
import ServiceKit
import Wire

/// Serves every method of ``BillingContract`` over Wire. Project methods act for `CallContext.projectID`;
/// operator methods (``BillingContract/putPlan``, ``BillingContract/adjustCredits``,
/// ``BillingContract/setUpAccount``) name the project in the request. Money paths run in the store's
/// transactions; the Router checks shapes, this checks meaning again (never trusting the caller).
struct BillingHandlers: Sendable {
    /// The tables.
    let store: BillingStore
    /// Whether `billing.AdvanceClock` works (`BILLING_TEST_CLOCK=1`).
    let testClock: Bool
    /// Woken after changes that may have made alerts (so they go out soon).
    let alertsChanged: @Sendable () -> Void

    /// Registers every billing method on `server`.
    func register(on server: WireServer) {
        server.register(BillingContract.catalog) { _, _ in try await store.catalog() }
        server.register(BillingContract.putPlan) { plan, _ in try await store.putPlan(try Self.checked(plan)) }
        server.register(BillingContract.subscription) { _, context in
            try await store.subscription(projectID: try Self.project(context))
        }
        server.register(BillingContract.changePlan) { request, context in
            try await store.changePlan(projectID: try Self.project(context), planID: request.plan)
        }
        server.register(BillingContract.setUpAccount) { request, _ in
            guard !request.projectID.isEmpty else { throw PublicError.validation("project_id", "project_id is required.") }
            return try await store.setUpAccount(request)
        }
        server.register(BillingContract.closeAccount) { request, _ in
            guard !request.projectID.isEmpty else { throw PublicError.validation("project_id", "project_id is required.") }
            try await store.closeAccount(projectID: request.projectID)
            return Empty()
        }
        server.register(BillingContract.wallet) { _, context in try await store.wallet(projectID: try Self.project(context)) }
        server.register(BillingContract.ledger) { page, context in
            guard (1...200).contains(page.limit) else { throw PublicError.validation("limit", "limit must be 1 to 200.") }
            return try await store.ledger(projectID: try Self.project(context), page: page)
        }
        server.register(BillingContract.usage) { _, context in try await store.usage(projectID: try Self.project(context)) }
        server.register(BillingContract.referrals) { _, context in
            try await store.referrals(projectID: try Self.project(context))
        }
        server.register(BillingContract.adjustCredits) { request, _ in
            defer { alertsChanged() }
            return try await store.adjust(request)
        }
        server.register(BillingContract.advanceClock) { request, _ in
            guard testClock else { throw PublicError.notFound("The test clock is off (BILLING_TEST_CLOCK is not 1).") }
            guard request.advanceSeconds >= 1, request.advanceSeconds <= 10 * 366 * 86_400 else {
                throw PublicError.validation("advance_seconds", "advance_seconds must be a whole number from 1 to ten years.")
            }
            defer { alertsChanged() }
            return ClockView(now: try await store.advanceClock(seconds: request.advanceSeconds))
        }
        server.register(BillingContract.reserve) { request, context in
            let reservation = try await store.reserve(
                projectID: try Self.project(context), meter: request.meter, units: request.units)
            return reservation
        }
        server.register(BillingContract.capture) { request, context in
            SettleResponse(status: try await store.settle(
                "capture", reservationID: request.reservationID, projectID: context.projectID ?? ""))
        }
        server.register(BillingContract.release) { request, context in
            SettleResponse(status: try await store.settle(
                "release", reservationID: request.reservationID, projectID: context.projectID ?? ""))
        }
        server.register(BillingContract.recordPayment) { request, _ in try await store.recordPayment(request) }
    }

    /// The calling project (`invalidArgument` without one).
    static func project(_ context: CallContext) throws(WireError) -> String {
        guard let projectID = context.projectID, !projectID.isEmpty else {
            throw WireError(.invalidArgument, "The call does not name a project.")
        }
        return projectID
    }

    /// A plan as operators may write it: a lowercase id (not `trial`), a name, amounts within 0…10^9 cents,
    /// the wallet currency.
    static func checked(_ plan: PlanView) throws(PublicError) -> PlanView {
        let idOK = plan.id.utf8.count <= 32 && plan.id != "trial" && plan.id.first.map { $0 >= "a" && $0 <= "z" } == true
            && plan.id.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
        guard idOK else { throw PublicError.validation("id", "id must be 1 to 32 of a-z, 0-9, _ and -, starting with a letter (not trial).") }
        guard (1...100).contains(plan.name.count) else { throw PublicError.validation("name", "name must be 1 to 100 characters.") }
        let cents: [(String, Int64)] = [
            ("price_cents", plan.priceCents), ("overage_cents.email", plan.overageEmailCents),
            ("overage_cents.whatsapp", plan.overageWhatsappCents),
        ]
        for (field, value) in cents where !(0...BillingLimits.maximumCents).contains(value) {
            throw PublicError.validation(field, "\(field) must be 0 to 10^9 cents.")
        }
        for (field, value) in [("included.email", plan.includedEmail), ("included.whatsapp", plan.includedWhatsapp)]
        where !(0...1_000_000_000).contains(value) {
            throw PublicError.validation(field, "\(field) must be 0 to 10^9 units.")
        }
        guard (0...1000).contains(plan.instances) else { throw PublicError.validation("instances", "instances must be 0 to 1000.") }
        guard plan.currency.uppercased() == BillingLimits.currency else {
            throw PublicError.validation("currency", "currency must be \(BillingLimits.currency).")
        }
        var plan = plan
        plan.currency = BillingLimits.currency
        return plan
    }
}
