import Contracts
import Foundation

/// `PUT /v1/billing/subscription`: `{"plan"}`.
struct ChangePlanBody: RequestBody {
    var plan = ""
    static let fields: [BodyField<Self>] = [.string("plan", \.plan, length: 1...32)]
}

/// `POST /v1/admin/projects/{id}/billing/credits`: `{"amount_cents","reason"}` (signed, not zero, |·| ≤ 10^9).
struct CreditsBody: RequestBody {
    var amountCents = 0
    var reason = ""
    static let fields: [BodyField<Self>] = [
        .integer("amount_cents", \.amountCents, range: -Int(BillingLimits.maximumCents)...Int(BillingLimits.maximumCents)),
        .string("reason", \.reason, length: 1...500),
    ]
}

/// `POST /v1/admin/billing/clock`: `{"advance_seconds"}`, a whole number ≥ 1.
struct ClockBody: RequestBody {
    var advanceSeconds = 0
    static let fields: [BodyField<Self>] = [.integer("advance_seconds", \.advanceSeconds, range: 1...(10 * 366 * 86_400))]
}

/// The `{"whatsapp","email"}` members of a plan.
struct MeterAmountsBody: RequestBody {
    var whatsapp = 0
    var email = 0
    static let fields: [BodyField<Self>] = [
        .integer("whatsapp", \.whatsapp, range: 0...Int(BillingLimits.maximumCents)),
        .integer("email", \.email, range: 0...Int(BillingLimits.maximumCents)),
    ]
}

/// `PUT /v1/admin/billing/plans/{id}`: a plan of the catalog as `GET /v1/billing/plans` shows it (without
/// the id, which is the path's); `overage_cents` defaults to WhatsApp 5 and email 1.
struct PlanBody: RequestBody {
    var name = ""
    var priceCents = 0
    var currency: String?
    var included = MeterAmountsBody()
    var overageCents: MeterAmountsBody?
    var instances = 1
    var whiteLabel: Bool?

    static let fields: [BodyField<Self>] = [
        .string("name", \.name, length: 1...100),
        .integer("price_cents", \.priceCents, range: 0...Int(BillingLimits.maximumCents)),
        .string("currency", \.currency, length: 3...3),
        .object("included", \.included), .object("overage_cents", \.overageCents),
        .integer("instances", \.instances, range: 0...1000), .boolean("white_label", \.whiteLabel),
    ]

    /// The contract's plan named `id`.
    func plan(id: String) -> PlanView {
        PlanView(
            id: id, name: name, priceCents: Int64(priceCents), currency: currency ?? BillingLimits.currency,
            includedEmail: Int64(included.email), includedWhatsapp: Int64(included.whatsapp),
            overageEmailCents: Int64(overageCents?.email ?? 1), overageWhatsappCents: Int64(overageCents?.whatsapp ?? 5),
            instances: instances, whiteLabel: whiteLabel ?? false)
    }
}
