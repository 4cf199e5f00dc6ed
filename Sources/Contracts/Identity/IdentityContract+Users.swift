import Wire
import Foundation

/// `identity.Signup`'s request.
public struct SignupRequest: Codable, Sendable, Hashable {
    /// The email (trimmed and compared case-insensitively by the service).
    public var email: String
    /// The password, 8 characters to 1024 bytes.
    public var password: String
    /// The user's own data: a JSON object as text, or nil for `{}`.
    public var data: String?
    /// The new user's id (`usr_` and 16–40 letters or digits), chosen by the caller so that a caller that
    /// crashed mid-call can tell whether the user was made (onboarding's saga); nil: IdentityService picks one.
    public var userID: String?
    /// Whether a taken email is refused only after the same password derivation a new user costs, so the
    /// answer's timing does not tell (onboarding asks for it); by default a taken email is refused at once,
    /// saving the derivation (the status tells anyway).
    public var equalWork: Bool

    /// Creates a request.
    public init(email: String, password: String, data: String? = nil, userID: String? = nil, equalWork: Bool = false) {
        self.email = email
        self.password = password
        self.data = data
        self.userID = userID
        self.equalWork = equalWork
    }
}

/// `identity.Signup`'s answer: the user, and a session unless the project requires email confirmation.
public struct SignupResponse: Codable, Sendable, Hashable {
    /// The new user.
    public var user: UserView
    /// The session, when no confirmation is required.
    public var session: SessionView?

    /// Creates a response.
    public init(user: UserView, session: SessionView?) {
        self.user = user
        self.session = session
    }
}

/// `identity.PasswordGrant`'s request.
public struct PasswordGrantRequest: Codable, Sendable, Hashable {
    /// The email.
    public var email: String
    /// The password.
    public var password: String

    /// Creates a request.
    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

/// `identity.RefreshGrant`'s request.
public struct RefreshGrantRequest: Codable, Sendable, Hashable {
    /// The opaque refresh token.
    public var refreshToken: String

    /// Creates a request.
    public init(refreshToken: String) { self.refreshToken = refreshToken }
}

/// `identity.MagicLink` and `identity.Recover`'s request.
public struct EmailLinkRequest: Codable, Sendable, Hashable {
    /// The email.
    public var email: String
    /// Where the link leads: must match the project's allow-list; the project's site URL when nil (neither: the
    /// email carries the code alone).
    public var redirectTo: String?

    /// Creates a request.
    public init(email: String, redirectTo: String? = nil) {
        self.email = email
        self.redirectTo = redirectTo
    }
}

/// `identity.Verify`'s request: `type` plus either `token`, or `email` and `code`.
public struct VerifyRequest: Codable, Sendable, Hashable {
    /// `magiclink`, `signup` or `recovery`.
    public var type: String
    /// The one-time token from the link.
    public var token: String?
    /// The email the code was sent to.
    public var email: String?
    /// The 6-digit code.
    public var code: String?

    /// Creates a request.
    public init(type: String, token: String? = nil, email: String? = nil, code: String? = nil) {
        self.type = type
        self.token = token
        self.email = email
        self.code = code
    }
}

/// `identity.UpdateUser`'s request: nil keeps a field.
public struct UpdateUserRequest: Codable, Sendable, Hashable {
    /// A new password.
    public var password: String?
    /// New data: a JSON object as text (replaces the old data).
    public var data: String?

    /// Creates a request.
    public init(password: String? = nil, data: String? = nil) {
        self.password = password
        self.data = data
    }
}

/// `identity.Logout`'s request.
public struct LogoutRequest: Codable, Sendable, Hashable {
    /// `local` (this session) or `global` (all the user's sessions).
    public var scope: String

    /// Creates a request.
    public init(scope: String = "local") { self.scope = scope }
}

/// Names one user.
public struct UserIDRequest: Codable, Sendable, Hashable {
    /// The user id.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// A user as the contract shows it.
public struct UserView: Codable, Sendable, Hashable {
    /// The user id (`usr_…`).
    public var id: String
    /// The email (as normalised: trimmed, lower-cased).
    public var email: String
    /// When the email was confirmed.
    public var emailConfirmedAt: Date?
    /// When the user was created.
    public var createdAt: Date
    /// The last sign-in.
    public var lastSignInAt: Date?
    /// The user's data: a JSON object as text.
    public var data: String

    /// Creates a view.
    public init(
        id: String, email: String, emailConfirmedAt: Date?, createdAt: Date, lastSignInAt: Date?, data: String
    ) {
        self.id = id
        self.email = email
        self.emailConfirmedAt = emailConfirmedAt
        self.createdAt = createdAt
        self.lastSignInAt = lastSignInAt
        self.data = data
    }
}

/// A session as the contract shows it.
public struct SessionView: Codable, Sendable, Hashable {
    /// The JWT access token.
    public var accessToken: String
    /// Always `bearer`.
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// When the access token expires.
    public var expiresAt: Date
    /// The opaque, single-use refresh token.
    public var refreshToken: String
    /// The user.
    public var user: UserView

    /// Creates a view.
    public init(
        accessToken: String, tokenType: String = "bearer", expiresIn: Int, expiresAt: Date,
        refreshToken: String, user: UserView
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.user = user
    }
}

/// One auth event of the audit log.
public struct AuditEventView: Codable, Sendable, Hashable {
    /// When.
    public var at: Date
    /// `signup`, `login`, `login_failed`, `refresh_reuse`, `logout`, `password_change`, `magiclink_sent`,
    /// `magiclink_used`, `recovery_sent`, `recovery_used`, `user_deleted`, …
    public var action: String
    /// The user, if known.
    public var userID: String?
    /// The client address, if known.
    public var ip: String?
    /// Context (never a token or password).
    public var detail: String?

    /// Creates an event.
    public init(at: Date, action: String, userID: String?, ip: String?, detail: String?) {
        self.at = at
        self.action = action
        self.userID = userID
        self.ip = ip
        self.detail = detail
    }
}
