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
        let result = try await reservations.submit(project: projectID, ReserveItem(meter: meter, units: units, id: id))
        let (available, amount) = (result.available, result.amount)
        switch result.outcome {
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
    /// `projectID` (the caller's, when it names one) only orders the group commit's batch.
    func settle(_ function: String, reservationID: String, projectID: String = "") async throws -> String {
        precondition(function == "capture" || function == "release")
        return try await (function == "capture" ? captures : releases).submit(project: projectID, reservationID)
    }

    /// One batch of reservations in one statement (one transaction), in the batch's order.
    static func reserveMany(
        _ batch: [(project: String, item: ReserveItem)], pool: PostgresPool, schema: String
    ) async throws -> [ReserveOutcome] {
        let rows = try await pool.query("""
            SELECT o_id, o_outcome, o_available, o_amount FROM \(schema).reserve_many(
                \(orderedArray("$1", "text")), \(orderedArray("$2", "text")), \(orderedArray("$3", "bigint")),
                \(orderedArray("$4", "text")), \(schema).billing_now())
            """, [PostgresJSON(batch.map(\.project)), PostgresJSON(batch.map(\.item.meter)),
                  PostgresJSON(batch.map { String($0.item.units) }), PostgresJSON(batch.map(\.item.id))])
        var byID: [String: ReserveOutcome] = [:]
        for row in rows {
            let (id, outcome, available, amount) = try row.decode((String, String, Int64, Int64).self)
            byID[id] = ReserveOutcome(outcome: outcome, available: available, amount: amount)
        }
        return try batch.map { try byID[$0.item.id] ?? { throw GroupCommitError() }() }
    }

    /// One batch of captures or releases in one statement (one transaction).
    static func settleMany(_ action: String, _ ids: [String], pool: PostgresPool, schema: String) async throws -> [String] {
        let rows = try await pool.query("""
            SELECT o_id, o_status FROM \(schema).settle_many($1, \(orderedArray("$2", "text")), \(schema).billing_now())
            """, [action, PostgresJSON(ids)])
        var byID: [String: String] = [:]
        for row in rows {
            let (id, status) = try row.decode((String, String).self)
            byID[id] = status
        }
        return ids.map { byID[$0] ?? "unknown" }
    }

    /// A JSON array parameter as a PostgreSQL array of `type`, in the JSON's order.
    static func orderedArray(_ parameter: String, _ type: String) -> String {
        "ARRAY(SELECT value::\(type) FROM jsonb_array_elements_text(\(parameter)::jsonb) WITH ORDINALITY AS e (value, n) ORDER BY n)"
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

/// One reservation of a ``GroupCommit`` batch.
struct ReserveItem: Sendable, Hashable {
    let meter: String
    let units: Int64
    let id: String
}

/// What `reserve` answered for one item.
struct ReserveOutcome: Sendable, Hashable {
    let outcome: String
    let available: Int64
    let amount: Int64
}
