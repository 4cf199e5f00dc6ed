import Wire

/// The OpenAPI schemas of the billing routes.
enum BillingSchemas {
    static let integer: JSONValue = ["type": "integer"]
    static let meters = Schemas.object([("whatsapp", integer), ("email", integer)])
    static let plan = Schemas.object([
        ("id", Schemas.string), ("name", Schemas.string), ("price_cents", integer), ("currency", Schemas.string),
        ("included", meters), ("overage_cents", meters), ("instances", integer), ("white_label", ["type": "boolean"]),
    ])
    static let catalog = Schemas.object([
        ("data", ["type": "array", "items": plan]),
        ("trial", Schemas.object([("days", integer), ("units", integer)])),
    ])
    static let subscription = Schemas.object([
        ("plan", Schemas.string),
        ("status", ["type": "string", "enum": ["trialing", "active", "past_due", "locked"]]),
        ("current_period_start", Schemas.timestamp), ("current_period_end", Schemas.timestamp),
        ("trial", ["oneOf": [["type": "null"], Schemas.object([
            ("ends_at", Schemas.timestamp), ("days_left", integer), ("units_used", integer), ("units_limit", integer),
        ])]]),
        ("pending_plan", ["type": ["string", "null"]]),
    ])
    static let wallet = Schemas.object([("balance_cents", integer), ("currency", Schemas.string), ("reserved_cents", integer)])
    static let entry = Schemas.object([
        ("id", Schemas.string), ("at", Schemas.timestamp),
        ("type", ["type": "string", "enum": ["topup", "plan_charge", "usage", "commission", "refund", "adjustment"]]),
        ("amount_cents", integer), ("balance_after_cents", integer), ("reference", ["type": ["string", "null"]]),
    ])
    static let usage = Schemas.object([
        ("meter", ["type": "string", "enum": ["email", "whatsapp"]]), ("included", integer), ("used", integer),
        ("remaining", integer), ("overage_units", integer), ("overage_cents", integer),
        ("thresholds_crossed", ["type": "array", "items": integer]),
    ])
    static let referrals = Schemas.object([
        ("code", Schemas.string), ("level1", integer), ("level2", integer), ("earned_cents_total", integer),
        ("earned_cents_this_period", integer),
    ])
    static let clock = Schemas.object([("now", Schemas.timestamp)])
}
