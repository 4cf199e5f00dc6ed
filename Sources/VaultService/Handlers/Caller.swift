import Contracts
import Wire

/// Who is calling, as the Router vouched for it: the project, whether the key is the secret one, and the
/// verified end user (publishable key with a valid bearer).
struct Caller: Sendable, Hashable {
    /// The project.
    let projectID: String
    /// Whether the key is secret (it may do everything).
    let isSecret: Bool
    /// The signed-in end user.
    let subject: String?

    /// The caller of a Wire call: the project is required (`invalidArgument`); a missing key kind counts as
    /// publishable (the smaller power).
    init(_ context: CallContext) throws(WireError) {
        guard let projectID = context.projectID, !projectID.isEmpty else {
            throw WireError(.invalidArgument, "The call does not name a project.")
        }
        self.init(projectID: projectID, isSecret: context.keyKind == "secret", subject: context.subject)
    }

    /// A caller.
    init(projectID: String, isSecret: Bool, subject: String?) {
        self.projectID = projectID
        self.isSecret = isSecret
        self.subject = isSecret ? nil : subject.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What a rule lets this caller do with documents.
    struct Access: Sendable, Hashable {
        /// Only documents owned by this user (the `owner` rule), or nil for any.
        let onlyOwner: String?
        /// The `owner_id` of documents this caller creates.
        let owner: String?
    }

    /// The access `rule` grants: the secret key everything; `none` → 403 `FORBIDDEN`; `authenticated` and
    /// `owner` without a user → 401 `INVALID_TOKEN`.
    func access(_ rule: AccessRule) throws(PublicError) -> Access {
        if isSecret { return Access(onlyOwner: nil, owner: nil) }
        switch rule {
        case .none:
            throw PublicError(.forbidden, "This collection's rules do not allow this with a publishable key.")
        case .public:
            return Access(onlyOwner: nil, owner: subject)
        case .authenticated, .owner:
            guard let subject else {
                throw PublicError(.invalidToken, "This collection's rules need a signed-in user's bearer token.")
            }
            return Access(onlyOwner: rule == .owner ? subject : nil, owner: subject)
        }
    }

    /// Collections are managed with the secret key only (403 `FORBIDDEN` otherwise).
    func requireSecret() throws(PublicError) {
        guard isSecret else { throw PublicError(.forbidden, "Collections are managed with the secret key.") }
    }
}
