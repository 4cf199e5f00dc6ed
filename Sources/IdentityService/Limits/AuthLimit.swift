import Contracts
import Wire

/// A limit an auth request (a one-time link or a password grant) met, named in the `RATE_LIMITED` refusal's
/// `limit` detail so the client can tell which one it was.
enum AuthLimit: String, Sendable, CaseIterable {
    /// `IDENTITY_EMAIL_PER_MINUTE` emails to one address of email (per flow and project) in 60 s.
    case emailPerMinute = "email_per_minute"
    /// `IDENTITY_EMAIL_PER_HOUR` emails to one address of email (per flow and project) in an hour.
    case emailPerHour = "email_per_hour"
    /// `IDENTITY_ADDRESS_PER_HOUR` link requests from one client address (per project) in an hour.
    case address = "address"
    /// `IDENTITY_PASSWORD_FAILURES_PER_EMAIL` failed password grants for one email (per project) in
    /// `IDENTITY_PASSWORD_FAILURE_WINDOW_SECONDS`.
    case passwordPerEmail = "password_per_email"
    /// `IDENTITY_PASSWORD_PER_ADDRESS_PER_HOUR` password grants from one client address (per project) in an hour.
    case passwordPerAddress = "password_per_address"
    /// `IDENTITY_SIGNUP_PER_ADDRESS_PER_HOUR` signups from one client address (per project) in an hour.
    case signupPerAddress = "signup_per_address"
    /// `IDENTITY_SIGNUP_PER_EMAIL_PER_HOUR` signups naming one email (per project) in an hour.
    case signupPerEmail = "signup_per_email"

    /// The public refusal: 429 `RATE_LIMITED` with `retry_after` (whole seconds, at least 1) and `limit`.
    func refusal(retryAfter seconds: Int) -> PublicError {
        PublicError(.rateLimited, "Too many requests; try again later.", retryAfter: max(1, seconds), limit: rawValue)
    }

    /// The limit a refusal made by ``refusal(retryAfter:)`` names; nil for any other error.
    static func named(in error: any Error) -> AuthLimit? {
        guard let error = PublicError.from(error), error.code == .rateLimited else { return nil }
        return error.limit.flatMap(AuthLimit.init(rawValue:))
    }
}
