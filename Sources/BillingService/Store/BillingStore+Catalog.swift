import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// The plan columns ``plan(_:)`` reads.
    static let planColumns = """
        id, name, price_cents, currency, included_email, included_whatsapp, overage_email_cents,
        overage_whatsapp_cents, instances, white_label
        """

    static func plan(_ row: PostgresRow) throws -> PlanView {
        PlanView(
            id: try row.decode(String.self, at: 0), name: try row.decode(String.self, at: 1),
            priceCents: try row.decode(Int64.self, at: 2), currency: try row.decode(String.self, at: 3),
            includedEmail: try row.decode(Int64.self, at: 4), includedWhatsapp: try row.decode(Int64.self, at: 5),
            overageEmailCents: try row.decode(Int64.self, at: 6), overageWhatsappCents: try row.decode(Int64.self, at: 7),
            instances: try row.decode(Int.self, at: 8), whiteLabel: try row.decode(Bool.self, at: 9))
    }

    /// Every plan, cheapest first.
    func catalog() async throws -> CatalogView {
        let rows = try await pool.query("SELECT \(Self.planColumns) FROM \(table("plans")) ORDER BY price_cents, id")
        return CatalogView(
            plans: try rows.map(Self.plan), trialDays: BillingLimits.trialDays, trialUnits: BillingLimits.trialUnits)
    }

    /// One plan, or nil.
    func plan(_ client: some PostgresClient, id: String) async throws -> PlanView? {
        try await client.query("SELECT \(Self.planColumns) FROM \(table("plans")) WHERE id = $1", [id]).first.map(Self.plan)
    }

    /// Creates or replaces a plan (already validated).
    func putPlan(_ plan: PlanView) async throws -> PlanView {
        try await pool.execute("""
            INSERT INTO \(table("plans")) (id, name, price_cents, currency, included_email, included_whatsapp,
                overage_email_cents, overage_whatsapp_cents, instances, white_label)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (id) DO UPDATE SET name = $2, price_cents = $3, currency = $4, included_email = $5,
                included_whatsapp = $6, overage_email_cents = $7, overage_whatsapp_cents = $8, instances = $9,
                white_label = $10, updated_at = clock_timestamp()
            """, [plan.id, plan.name, plan.priceCents, plan.currency, plan.includedEmail, plan.includedWhatsapp,
                  plan.overageEmailCents, plan.overageWhatsappCents, plan.instances, plan.whiteLabel])
        return plan
    }
}
