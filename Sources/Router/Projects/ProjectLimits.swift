import Synchronization

/// Each project's rate-limit budget, in memory (loaded with the keys, refreshed by `NOTIFY` and reloads).
final class ProjectLimits: Sendable {
    private let limits = Mutex<[String: RateLimit]>([:])
    /// The budget of projects without their own.
    let defaultLimit: RateLimit

    /// Creates an empty table answering `defaultLimit`.
    init(defaultLimit: RateLimit) { self.defaultLimit = defaultLimit }

    /// The budget of `projectID`.
    func limit(for projectID: String) -> RateLimit {
        limits.withLock { $0[projectID] } ?? defaultLimit
    }

    /// Sets (or clears, with nil) the budget of one project.
    func set(_ limit: RateLimit?, for projectID: String) {
        limits.withLock { $0[projectID] = limit }
    }

    /// Replaces every budget from a full reload.
    func replaceAll(_ projects: [Project]) {
        var fresh: [String: RateLimit] = [:]
        for project in projects { fresh[project.id] = project.rateLimit }
        limits.withLock { $0 = fresh }
    }
}
