import Synchronization

/// Each project's two rate-limit budgets, in memory (loaded with the keys, refreshed by `NOTIFY` and
/// reloads): one for its secret keys, one for its publishable keys. A project that set neither has the
/// configured default for both; one that set only `rate_limit` has those numbers for both.
final class ProjectLimits: Sendable {
    /// A project's two budgets.
    struct Budgets: Sendable, Hashable {
        /// The secret keys'.
        var secret: RateLimit
        /// The publishable keys'.
        var publishable: RateLimit
    }

    private let budgets = Mutex<[String: Budgets]>([:])
    /// The budget of projects without their own.
    let defaultLimit: RateLimit

    /// Creates an empty table answering `defaultLimit`.
    init(defaultLimit: RateLimit) { self.defaultLimit = defaultLimit }

    /// The budget of `projectID`'s keys of `kind`.
    func limit(for projectID: String, kind: APIKey.Kind = .secret) -> RateLimit {
        guard let budgets = budgets.withLock({ $0[projectID] }) else { return defaultLimit }
        return kind == .secret ? budgets.secret : budgets.publishable
    }

    /// Sets the budgets of `project` from its stored values.
    func set(_ project: Project) {
        let resolved = resolve(project)
        budgets.withLock { $0[project.id] = resolved }
    }

    /// Replaces every budget from a full reload.
    func replaceAll(_ projects: [Project]) {
        var fresh: [String: Budgets] = [:]
        for project in projects { fresh[project.id] = resolve(project) }
        budgets.withLock { $0 = fresh }
    }

    private func resolve(_ project: Project) -> Budgets {
        let secret = project.rateLimit ?? defaultLimit
        return Budgets(secret: secret, publishable: project.publishableRateLimit ?? secret)
    }
}
