import Contracts
import Foundation
import ServiceKit

extension BillingStore {
    /// A verified provider event: a top-up credits the wallet from the provider's clearing account; a refund
    /// takes back what the charge's cumulative refunded amount adds (at most what is available). One ledger
    /// transaction per provider event, ever (its dedupe key); another currency is `ignored`.
    func recordPayment(_ request: PaymentEventRequest) async throws -> PaymentEventResponse {
        guard ["topup", "refund"].contains(request.kind) else {
            throw PublicError.validation("kind", "kind must be topup or refund.")
        }
        guard (1...BillingLimits.maximumCents).contains(request.amountCents) else {
            throw PublicError.validation("amount_cents", "amount_cents must be 1 to 10^9.")
        }
        guard !request.projectID.isEmpty, request.projectID.count <= 64 else {
            throw PublicError.validation("project_id", "project_id must name a project.")
        }
        let dedupe = "payment:\(request.provider):\(request.eventID)"
        return try await pool.withTransaction { tx in
            _ = try await lockSubscription(tx, projectID: request.projectID)
            let currency = try await tx.query("""
                SELECT currency FROM \(table("accounts")) WHERE project_id = $1 AND kind = 'wallet'
                """, [request.projectID]).first!.decode(String.self, at: 0)
            guard currency.uppercased() == request.currency.uppercased() else { return PaymentEventResponse(outcome: "ignored") }
            if try await !tx.query("SELECT 1 FROM \(table("transactions")) WHERE dedupe_key = $1", [dedupe]).isEmpty {
                return PaymentEventResponse(outcome: "duplicate")
            }
            if request.kind == "topup" {
                _ = try await post(
                    tx, projectID: request.projectID, type: "topup", reference: "\(request.provider) \(request.reference)",
                    dedupe: dedupe, wallet: request.amountCents, against: "clearing")
                try await tx.execute("SELECT \(schema).collect_due($1, \(schema).billing_now())", [request.projectID])
                try await tx.execute("""
                    SELECT \(schema).enqueue_alert($1, 'billing.payment.succeeded', $2,
                        jsonb_build_object('project_id', $1::text, 'amount_cents', $3::bigint, 'currency', 'USD',
                                           'provider', $4::text), \(schema).billing_now())
                    """, [request.projectID, dedupe, request.amountCents, request.provider])
                return PaymentEventResponse(outcome: "applied")
            }
            let before = try await tx.query("""
                SELECT refunded_cents FROM \(table("refunds")) WHERE provider = $1 AND charge = $2 FOR UPDATE
                """, [request.provider, request.reference]).first?.decode(Int64.self, at: 0) ?? 0
            let added = request.amountCents - before
            guard added > 0 else { return PaymentEventResponse(outcome: "ignored") }
            try await tx.execute("""
                INSERT INTO \(table("refunds")) (provider, charge, refunded_cents) VALUES ($1, $2, $3)
                ON CONFLICT (provider, charge) DO UPDATE SET refunded_cents = $3
                """, [request.provider, request.reference, request.amountCents])
            let available = try await tx.query("SELECT \(schema).available($1)", [request.projectID]).first!.decode(Int64.self, at: 0)
            let taken = min(added, max(0, available))
            guard taken > 0 else { return PaymentEventResponse(outcome: "applied") }
            _ = try await post(
                tx, projectID: request.projectID, type: "refund", reference: "\(request.provider) \(request.reference)",
                dedupe: dedupe, wallet: -taken, against: "clearing")
            return PaymentEventResponse(outcome: "applied")
        }
    }
}
