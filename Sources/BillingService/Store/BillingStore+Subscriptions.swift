import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// The project's subscription (a trial from now if Billing has never seen it).
    func subscription(projectID: String) async throws -> SubscriptionView {
        try await pool.withTransaction { tx in
            try await ensureAccount(tx, projectID: projectID)
            let row = try await tx.query(
                "SELECT \(SubscriptionRow.columns) FROM \(table("subscriptions")) WHERE project_id = $1", [projectID])
            return try SubscriptionRow(row.first!).view(now: try await now(tx))
        }
    }

    /// A new project's account (``BillingContract/setUpAccount``): a trial, or `plan` from today with its
    /// first period not charged; an existing one keeps its plan and takes the other fields given.
    func setUpAccount(_ request: SetUpAccountRequest) async throws -> SubscriptionView {
        try await pool.withTransaction { tx in
            let now = try await now(tx)
            let exists = try await !tx.query(
                "SELECT 1 FROM \(table("subscriptions")) WHERE project_id = $1 FOR UPDATE", [request.projectID]).isEmpty
            if !exists {
                var referrer: String?
                if let code = request.referralCode {
                    referrer = try await tx.query(
                        "SELECT project_id FROM \(table("subscriptions")) WHERE referral_code = $1", [code]
                    ).first?.decode(String.self, at: 0)
                    guard referrer != nil else {
                        throw PublicError.validation("referral_code", "referral_code does not name a project.")
                    }
                }
                if let planID = request.plan {
                    guard try await plan(tx, id: planID) != nil else { throw Self.unknownPlan }
                    try await tx.execute("""
                        INSERT INTO \(table("subscriptions")) (project_id, plan, status, anchor, period_start, period_end,
                            referral_code, referred_by, created_at)
                        VALUES ($1, $2, 'active', $3, $3, $3 + interval '1 month',
                            substr(md5($1 || gen_random_uuid()::text), 1, 12), $4, $3)
                        """, [request.projectID, planID, now, referrer])
                    try await tx.execute("""
                        INSERT INTO \(table("periods")) (project_id, period_index, plan, started_at, charged_cents)
                        VALUES ($1, 0, $2, $3, 0)
                        """, [request.projectID, planID, now])
                } else {
                    try await ensureAccount(tx, projectID: request.projectID)
                    try await tx.execute(
                        "UPDATE \(table("subscriptions")) SET referred_by = $2 WHERE project_id = $1",
                        [request.projectID, referrer])
                }
                try await ensureAccount(tx, projectID: request.projectID)
            }
            if let email = request.billingEmail {
                try await tx.execute(
                    "UPDATE \(table("subscriptions")) SET billing_email = NULLIF($2, '') WHERE project_id = $1",
                    [request.projectID, email])
            }
            if let metering = request.metering {
                try await tx.execute(
                    "UPDATE \(table("subscriptions")) SET metering = $2 WHERE project_id = $1", [request.projectID, metering])
            }
            let row = try await tx.query(
                "SELECT \(SubscriptionRow.columns) FROM \(table("subscriptions")) WHERE project_id = $1",
                [request.projectID])
            return try SubscriptionRow(row.first!).view(now: now)
        }
    }

    /// `PUT /v1/billing/subscription`: from the trial (or after it) the plan starts now at full price; an
    /// upgrade charges the prorated difference now; a downgrade waits for the period's end. Short of credit
    /// → `INSUFFICIENT_CREDITS` and nothing changes.
    func changePlan(projectID: String, planID: String) async throws -> SubscriptionView {
        try await pool.withTransaction { tx in
            let sub = try await lockSubscription(tx, projectID: projectID)
            guard let plan = try await plan(tx, id: planID) else { throw Self.unknownPlan }
            let now = try await now(tx)
            if sub.plan == "trial" {
                let charged = try await charge(
                    tx, projectID: projectID, cents: plan.priceCents, reference: "\(plan.id) period 1",
                    dedupe: "plan_charge:\(projectID):0")
                guard charged else { throw try await insufficient(tx, projectID: projectID) }
                try await tx.execute("""
                    UPDATE \(table("subscriptions")) SET plan = $2, status = 'active', anchor = $3, period_index = 0,
                        period_start = $3, period_end = $3 + interval '1 month', pending_plan = NULL, due_cents = 0
                    WHERE project_id = $1
                    """, [projectID, plan.id, now])
                try await tx.execute("""
                    INSERT INTO \(table("periods")) (project_id, period_index, plan, started_at, charged_cents)
                    VALUES ($1, 0, $2, $3, $4)
                    """, [projectID, plan.id, now, plan.priceCents])
            } else if plan.id == sub.plan {
                try await tx.execute(
                    "UPDATE \(table("subscriptions")) SET pending_plan = NULL WHERE project_id = $1", [projectID])
            } else {
                let current = try await self.plan(tx, id: sub.plan)
                if plan.priceCents > current?.priceCents ?? 0 {
                    let cents = try await prorated(
                        tx, difference: plan.priceCents - (current?.priceCents ?? 0), sub: sub, now: now)
                    let charged = try await charge(
                        tx, projectID: projectID, cents: cents,
                        reference: "upgrade \(sub.plan) → \(plan.id), period \(sub.periodIndex + 1)", dedupe: nil)
                    guard charged else { throw try await insufficient(tx, projectID: projectID) }
                    try await tx.execute(
                        "UPDATE \(table("subscriptions")) SET plan = $2, pending_plan = NULL WHERE project_id = $1",
                        [projectID, plan.id])
                    try await tx.execute("""
                        UPDATE \(table("usage")) SET included = CASE meter WHEN 'email' THEN $3::bigint ELSE $4::bigint END
                        WHERE project_id = $1 AND period_start = $2
                        """, [projectID, sub.periodStart, plan.includedEmail, plan.includedWhatsapp])
                } else {
                    try await tx.execute(
                        "UPDATE \(table("subscriptions")) SET pending_plan = $2 WHERE project_id = $1", [projectID, plan.id])
                }
            }
            let row = try await tx.query(
                "SELECT \(SubscriptionRow.columns) FROM \(table("subscriptions")) WHERE project_id = $1", [projectID])
            return try SubscriptionRow(row.first!).view(now: now)
        }
    }

    /// `difference` times the share of the period left, by the second, rounded half up to the cent.
    func prorated(_ tx: PostgresTransaction, difference: Int64, sub: SubscriptionRow, now: Date) async throws -> Int64 {
        try await tx.query("""
            SELECT round($1::numeric * greatest(floor(extract(epoch FROM $3::timestamptz - $4::timestamptz)), 0)
                         / extract(epoch FROM $3::timestamptz - $2::timestamptz))::bigint
            """, [difference, sub.periodStart, sub.periodEnd, now]).first!.decode(Int64.self, at: 0)
    }

    /// A plan charge with its commissions (``BillingMeteringSQL``); false when the wallet is short.
    func charge(
        _ tx: PostgresTransaction, projectID: String, cents: Int64, reference: String, dedupe: String?
    ) async throws -> Bool {
        try await tx.query(
            "SELECT \(schema).charge_plan($1, $2, $3, $4, \(schema).billing_now())",
            [projectID, cents, reference, dedupe]).first!.decode(Bool.self, at: 0)
    }

    /// 402 `INSUFFICIENT_CREDITS` with what the wallet has available.
    func insufficient(_ client: some PostgresClient, projectID: String) async throws -> PublicError {
        let available = try await client.query("SELECT \(schema).available($1)", [projectID]).first!.decode(Int64.self, at: 0)
        return PublicError(
            .insufficientCredits, "The wallet does not have enough credit for this.", balanceCents: available)
    }
}
