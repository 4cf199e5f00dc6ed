import Contracts

/// The three kinds of one-time link, as `VerifyRequest.type` and the `one_time_tokens.type` column name them.
enum LinkType: String, Sendable, CaseIterable {
    /// Sign in by email (creates the user on first use).
    case magiclink
    /// Confirm a new user's email.
    case signup
    /// Sign in to set a new password.
    case recovery

    /// Comms's template for the email with a link and a code.
    var template: String {
        switch self {
        case .magiclink: "identity.magiclink"
        case .signup: "identity.confirmation"
        case .recovery: "identity.recovery"
        }
    }

    /// Comms's template for the email with the code alone (no site URL, no `redirect_to`): ``template`` + `.code`.
    var codeOnlyTemplate: String { template + ".code" }

    /// The audit action when the email is sent.
    var sentAction: String {
        switch self {
        case .magiclink: "magiclink_sent"
        case .signup: "confirmation_sent"
        case .recovery: "recovery_sent"
        }
    }

    /// The audit action when the link or code is used.
    var usedAction: String {
        switch self {
        case .magiclink: "magiclink_used"
        case .signup: "email_confirmed"
        case .recovery: "recovery_used"
        }
    }
}

extension LinkType {
    /// The session's `amr` method when this link signs in (a confirmation link counts as an email link).
    var authMethod: AuthMethod {
        switch self {
        case .magiclink, .signup: .magiclink
        case .recovery: .recovery
        }
    }
}
