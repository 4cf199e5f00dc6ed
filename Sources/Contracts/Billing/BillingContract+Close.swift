import Wire

/// `billing.CloseAccount`'s request: the project whose account goes.
public struct CloseAccountRequest: Codable, Sendable, Hashable {
    /// The project.
    public var projectID: String

    /// Creates a request.
    public init(projectID: String) { self.projectID = projectID }
}

extension BillingContract {
    /// `billing.CloseAccount`: removes a project's account that never moved money — its subscription, accounts,
    /// usage and periods (onboarding's undo of ``setUpAccount``). Idempotent: an unknown project is a success.
    /// An account with ledger entries, open reservations, or projects it referred is `CONFLICT`: money history is
    /// never deleted.
    public static let closeAccount = MethodDescriptor<CloseAccountRequest, Empty>(
        "billing.CloseAccount", allowedCallers: .only(["router"]))
}
