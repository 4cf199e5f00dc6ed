import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// Runs everything due at Billing's now, until nothing is: captured usage is posted to the ledger
    /// (``postUsage(_:projectID:)``), expired reservations are released, trials past
    /// their days are locked (`billing.trial.ended`) and those 3 days from their end warned
    /// (`billing.trial.ending`), and each subscription whose period ended is renewed (``renewOne(afterCharge:)``).
    /// Safe to run on every replica at once. Returns how many periods it renewed.
    @discardableResult
    func runDue(afterCharge: (@Sendable (String) async throws -> Void)? = nil) async throws -> Int {
        while try await postUsage(pool, projectID: nil) == 1000 {}   // a full chunk: there may be more
        let expired = try await pool.query("""
            SELECT id FROM \(table("reservations")) WHERE status = 'open' AND expires_at <= \(schema).billing_now()
            ORDER BY expires_at LIMIT 1000
            """)
        for row in expired { _ = try await settle("release", reservationID: try row.decode(String.self, at: 0)) }
        try await pool.execute("""
            WITH ended AS (
                UPDATE \(table("subscriptions")) SET status = 'locked'
                WHERE status = 'trialing' AND trial_ends_at <= \(schema).billing_now()
                RETURNING project_id, trial_ends_at, trial_units_used
            )
            SELECT \(schema).enqueue_alert(project_id, 'billing.trial.ended', 'trial.ended:' || project_id,
                jsonb_build_object('project_id', project_id, 'units_used', trial_units_used), trial_ends_at)
            FROM ended
            """)
        try await pool.execute("""
            WITH ending AS (
                UPDATE \(table("subscriptions")) SET trial_ending_sent = true
                WHERE status = 'trialing' AND NOT trial_ending_sent
                  AND trial_ends_at - interval '3 days' <= \(schema).billing_now()
                RETURNING project_id, trial_ends_at
            )
            SELECT \(schema).enqueue_alert(project_id, 'billing.trial.ending', 'trial.ending:' || project_id,
                jsonb_build_object('project_id', project_id, 'ends_at', trial_ends_at), \(schema).billing_now())
            FROM ending
            """)
        var renewed = 0
        while try await renewOne(afterCharge: afterCharge ?? self.afterCharge) { renewed += 1 }
        return renewed
    }

    /// Claims one subscription whose period has ended (`FOR UPDATE SKIP LOCKED`: replicas take different
    /// ones) and, in one transaction, starts its next period: the pending downgrade applies, the period's
    /// price (plus anything still owed) is charged with its referral commissions (``charge(_:projectID:cents:reference:dedupe:)``),
    /// short → `past_due`, the period is recorded in `periods` (primary key: once per project and period)
    /// and the counters start over (usage rows are per period). A crash anywhere rolls all of it back.
    /// `afterCharge` runs between the charge and the commit (tests crash there). False when none is due.
    func renewOne(afterCharge: (@Sendable (String) async throws -> Void)? = nil) async throws -> Bool {
        try await pool.withTransaction { tx in
            let rows = try await tx.query("""
                SELECT \(SubscriptionRow.columns) FROM \(table("subscriptions"))
                WHERE status IN ('active', 'past_due') AND period_end <= \(schema).billing_now()
                ORDER BY period_end LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
            guard let row = rows.first else { return false }
            let sub = try SubscriptionRow(row)
            // The ended period's captured usage goes to the ledger first (and counts in its spend below).
            try await postUsage(tx, projectID: sub.projectID)
            let planID = sub.pendingPlan ?? sub.plan
            let price = try await plan(tx, id: planID)?.priceCents ?? 0
            let next = sub.periodIndex + 1
            try await tx.execute("""
                UPDATE \(table("subscriptions")) SET plan = $2, pending_plan = NULL, period_index = $3,
                    period_start = period_end, period_end = anchor + make_interval(months => $3::int + 1)
                WHERE project_id = $1
                """, [sub.projectID, planID, next])
            let owed = sub.dueCents + price
            let paid = try await charge(
                tx, projectID: sub.projectID, cents: owed, reference: "\(planID) period \(next + 1)",
                dedupe: "plan_charge:\(sub.projectID):\(next)")
            try await afterCharge?(sub.projectID)
            try await tx.execute("""
                UPDATE \(table("subscriptions")) SET status = $2, due_cents = $3 WHERE project_id = $1
                """, [sub.projectID, paid ? "active" : "past_due", paid ? Int64(0) : owed])
            try await tx.execute("""
                INSERT INTO \(table("periods")) (project_id, period_index, plan, started_at, charged_cents)
                VALUES ($1, $2, $3, $4, $5)
                """, [sub.projectID, next, planID, sub.periodEnd, paid ? owed : Int64(0)])
            // billing.credits.low: the wallet is below 10 % of what the ended period spent.
            try await tx.execute("""
                WITH spent AS (
                    SELECT COALESCE(-sum(p.amount_cents), 0) AS cents FROM \(table("postings")) p
                    JOIN \(table("transactions")) t ON t.seq = p.transaction_seq
                    WHERE p.project_id = $1 AND p.kind = 'wallet' AND p.amount_cents < 0
                      AND t.type IN ('plan_charge', 'usage') AND t.at >= $2 AND t.at < $3
                )
                SELECT \(schema).enqueue_alert($1, 'billing.credits.low', 'credits.low:' || $1 || ':' || $4::text,
                    jsonb_build_object('project_id', $1, 'balance_cents', a.balance_cents, 'last_period_spend_cents', spent.cents),
                    \(schema).billing_now())
                FROM spent, \(table("accounts")) a
                WHERE a.project_id = $1 AND a.kind = 'wallet' AND spent.cents > 0 AND a.balance_cents * 10 < spent.cents
                """, [sub.projectID, sub.periodStart, sub.periodEnd, next])
            return true
        }
    }

    /// Moves Billing's now forward by `seconds` and runs everything due before answering the new now.
    func advanceClock(seconds: Int64) async throws -> Date {
        try await pool.execute("UPDATE \(table("clock")) SET offset_seconds = offset_seconds + $1", [seconds])
        try await runDue()
        return try await now(pool)
    }
}
