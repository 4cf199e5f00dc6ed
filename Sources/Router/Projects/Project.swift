import Foundation

/// A client project: the owner of API keys and of two rate-limit budgets (its secret keys', its publishable
/// keys').
struct Project: Sendable, Hashable {
    /// The opaque id (`prj_…`).
    var id: String
    /// The display name.
    var name: String
    /// When it was created.
    var createdAt: Date
    /// The secret keys' own budget, or nil for the configured default.
    var rateLimit: RateLimit?
    /// The publishable keys' own budget, or nil for the same numbers as the secret keys'.
    var publishableRateLimit: RateLimit? = nil
    /// Where billing alerts go (set by an operator), or nil.
    var billingEmail: String? = nil

    /// The contract's JSON form: `{"id","name","created_at","rate_limit","publishable_rate_limit","billing_email"}`
    /// (a budget the project has not set is `null`).
    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "created_at": .date(createdAt),
            "rate_limit": Self.json(rateLimit), "publishable_rate_limit": Self.json(publishableRateLimit),
            "billing_email": billingEmail.map(JSONValue.string) ?? .null,
        ]
    }

    private static func json(_ limit: RateLimit?) -> JSONValue {
        limit.map { ["per_second": .double($0.perSecond), "burst": .int($0.burst)] } ?? .null
    }
}
