import Contracts
import Wire

/// The Router's credit guard for metered routes: **reserve** with Billing before any work (402
/// `INSUFFICIENT_CREDITS` with `balance_cents`, or `TRIAL_ENDED`, before anything is enqueued; Billing
/// unreachable → 503, so nothing unmetered slips through), hand the reservation id to the service that does
/// the work (it captures or releases it, durably), and **release** at once when that service refuses the
/// request outright. When the outcome is unknown (a timeout, a lost connection) the reservation is left for
/// the service to settle, or for Billing to release after 24 h.
///
/// Without Billing configured (no `BILLING_WIRE_ENDPOINTS`) nothing is metered; a project whose metering is
/// off gets no reservation.
struct CreditGuard: Sendable {
    /// Billing, or nil.
    let billing: BillingContract.Client?

    /// Holds `units` of `meter` for the request's project; the reservation id, or nil when unmetered.
    func reserve(meter: String, units: Int, _ context: RequestContext) async throws -> String? {
        guard let billing else { return nil }
        let request = ReserveRequest(meter: meter, units: Int64(units))
        return try await upstream { try await billing.call(BillingContract.reserve, request, context.callContext) }.id
    }

    /// Runs `work`; if it throws a definite refusal (a public error: the service looked and said no), the
    /// reservation is released before the error goes on.
    func settlingOnRefusal<T: Sendable>(
        _ reservationID: String?, _ context: RequestContext, _ work: () async throws -> T
    ) async throws -> T {
        do {
            return try await work()
        } catch let error as RouterError {
            if let reservationID, let billing, error.status < 500 {
                _ = try? await billing.call(
                    BillingContract.release, SettleRequest(reservationID: reservationID), context.callContext)
            }
            throw error
        }
    }
}
