import Foundation

/// A client project: the owner of API keys and of a rate-limit budget.
struct Project: Sendable, Hashable {
    /// The opaque id (`prj_…`).
    var id: String
    /// The display name.
    var name: String
    /// When it was created.
    var createdAt: Date
    /// Its own budget, or nil for the configured default.
    var rateLimit: RateLimit?

    /// The contract's JSON form: `{"id","name","created_at","rate_limit"}`.
    var json: JSONValue {
        let limit: JSONValue = rateLimit.map { ["per_second": .double($0.perSecond), "burst": .int($0.burst)] } ?? .null
        return ["id": .string(id), "name": .string(name), "created_at": .date(createdAt), "rate_limit": limit]
    }
}
