import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// Holds `units` of `meter` for the project, all or none (``BillingMeteringSQL``'s `reserve`).
    /// - Throws: 400 `VALIDATION_FAILED` (`meter`, `units`), 402 `TRIAL_ENDED` or `INSUFFICIENT_CREDITS`.
    func reserve(projectID: String, meter: String, units: Int64) async throws -> ReservationView {
        guard BillingLimits.meters.contains(meter) else {
            throw PublicError.validation("meter", "meter must be one of " + BillingLimits.meters.joined(separator: ", ") + ".")
        }
        guard (1...BillingLimits.maximumUnits).contains(units) else {
            throw PublicError.validation("units", "units must be 1 to \(BillingLimits.maximumUnits).")
        }
        let id = RandomIdentifier.make("rsv")
        let row = try await pool.query(
            "SELECT o_outcome, o_available, o_amount FROM \(schema).reserve($1, $2, $3, $4, \(schema).billing_now())",
            [projectID, meter, units, id]).first!
        let (outcome, available, amount) = try row.decode((String, Int64, Int64).self)
        switch outcome {
        case "reserved": return ReservationView(id: id, amountCents: amount)
        case "unmetered": return ReservationView(id: nil, amountCents: 0)
        case "trial_ended": throw PublicError(.trialEnded, BillingLimits.trialEndedMessage)
        case "trial_short":
            throw PublicError(
                .insufficientCredits, "The trial has \(available) units left; this request needs \(units).",
                balanceCents: try await pool.query("SELECT \(schema).available($1)", [projectID]).first!.decode(Int64.self, at: 0))
        default:
            throw PublicError(
                .insufficientCredits, "Neither included units nor wallet credit cover this request.",
                balanceCents: available)
        }
    }

    /// Captures (`capture`) or releases (`release`) a reservation; idempotent, answers its final state.
    func settle(_ function: String, reservationID: String) async throws -> String {
        precondition(function == "capture" || function == "release")
        return try await pool.query(
            "SELECT \(schema).\(function)($1, \(schema).billing_now())", [reservationID]
        ).first!.decode(String.self, at: 0)
    }

    /// Every meter of the project's current period.
    func usage(projectID: String) async throws -> UsageList {
        try await pool.withTransaction { tx in
            try await ensureAccount(tx, projectID: projectID)
            let rows = try await tx.query("""
                SELECT m.meter,
                       COALESCE(u.included, CASE WHEN s.plan = 'trial' THEN s.trial_units_limit
                                                 WHEN m.meter = 'email' THEN p.included_email ELSE p.included_whatsapp END, 0),
                       COALESCE(u.used, 0), COALESCE(u.overage_units, 0), COALESCE(u.overage_cents, 0),
                       COALESCE(array_to_json(u.thresholds)::text, '[]'), s.plan = 'trial', s.trial_units_used
                FROM \(table("subscriptions")) s
                CROSS JOIN (VALUES ('email'), ('whatsapp')) AS m (meter)
                LEFT JOIN \(table("plans")) p ON p.id = s.plan
                LEFT JOIN \(table("usage")) u ON u.project_id = s.project_id AND u.period_start = s.period_start
                                              AND u.meter = m.meter
                WHERE s.project_id = $1 ORDER BY m.meter
                """, [projectID])
            return UsageList(data: try rows.map { row in
                let (meter, included, used, overageUnits, overageCents, thresholds, trial, trialUsed) =
                    try row.decode((String, Int64, Int64, Int64, Int64, String, Bool, Int64).self)
                let crossed = try JSONDecoder().decode([Int].self, from: Data(thresholds.utf8))
                let remaining = trial ? max(0, included - trialUsed) : max(0, included - used)
                return UsageView(
                    meter: meter, included: included, used: used, remaining: remaining, overageUnits: overageUnits,
                    overageCents: overageCents, thresholdsCrossed: crossed)
            })
        }
    }
}
