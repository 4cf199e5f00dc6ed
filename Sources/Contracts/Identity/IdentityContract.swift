import Wire

/// IdentityService's methods (`identity.*`): users, sessions, tokens, one-time links, signing keys.
///
/// Every method acts for `CallContext.projectID` (required: `invalidArgument` without it); the user flows
/// read the end user from `CallContext.subject`/`sessionID` (set by the Router from a verified JWT) and
/// per-address limits and audit use `CallContext.clientAddress`. ``publicKeys`` and ``revokedSessions`` are
/// mesh-wide (no project).
///
/// Errors follow ``WireError/public(_:_:_:_:)`` with the REST contract's codes: `VALIDATION_FAILED`
/// (`field`), `INVALID_CREDENTIALS`, `INVALID_TOKEN`, `REFRESH_TOKEN_REUSED`, `CONFLICT`, `NOT_FOUND`, and
/// `RATE_LIMITED` with `retry_after` (seconds) and `limit` naming which limit was met.
public enum IdentityContract {
    /// `identity.Signup`: creates a user; a session unless the project requires email confirmation.
    public static let signup = MethodDescriptor<SignupRequest, SignupResponse>(
        "identity.Signup", allowedCallers: .only(["router"]))
    /// `identity.PasswordGrant`: email and password → session (`INVALID_CREDENTIALS` either way wrong).
    public static let passwordGrant = MethodDescriptor<PasswordGrantRequest, SessionView>(
        "identity.PasswordGrant", allowedCallers: .only(["router"]))
    /// `identity.RefreshGrant`: spends a refresh token for the next session (racing reuse within the grace
    /// window gets the same successor; later reuse is `REFRESH_TOKEN_REUSED` and revokes the session).
    public static let refreshGrant = MethodDescriptor<RefreshGrantRequest, SessionView>(
        "identity.RefreshGrant", allowedCallers: .only(["router"]))
    /// `identity.MagicLink`: emails a one-time link and code (answers the same whether or not the user exists).
    public static let magicLink = MethodDescriptor<EmailLinkRequest, Empty>(
        "identity.MagicLink", allowedCallers: .only(["router"]))
    /// `identity.Recover`: emails a recovery link and code (same answer whether or not the user exists).
    public static let recover = MethodDescriptor<EmailLinkRequest, Empty>(
        "identity.Recover", allowedCallers: .only(["router"]))
    /// `identity.Verify`: spends a one-time token or code → session (`INVALID_TOKEN` when used, expired, unknown).
    public static let verify = MethodDescriptor<VerifyRequest, SessionView>(
        "identity.Verify", allowedCallers: .only(["router"]))
    /// `identity.GetUser`: the user of the context's session.
    public static let getUser = MethodDescriptor<Empty, UserView>(
        "identity.GetUser", allowedCallers: .only(["router"]))
    /// `identity.UpdateUser`: changes the context's user's password and/or data.
    public static let updateUser = MethodDescriptor<UpdateUserRequest, UserView>(
        "identity.UpdateUser", allowedCallers: .only(["router"]))
    /// `identity.Logout`: ends the context's session (`local`) or all the user's sessions (`global`).
    public static let logout = MethodDescriptor<LogoutRequest, Empty>(
        "identity.Logout", allowedCallers: .only(["router"]))
    /// `identity.PublicKeys`: the current and still-valid previous signing keys (JWKS source).
    public static let publicKeys = MethodDescriptor<Empty, SigningKeySet>(
        "identity.PublicKeys", allowedCallers: .only(["router"]))
    /// `identity.RevokedSessions`: sessions revoked after a cursor, for the Routers' denylists.
    public static let revokedSessions = MethodDescriptor<RevokedSessionsRequest, RevokedSessionsResponse>(
        "identity.RevokedSessions", allowedCallers: .only(["router"]))
    /// `identity.ListUsers`: the project's users, newest first.
    public static let listUsers = MethodDescriptor<PageQuery, Page<UserView>>(
        "identity.ListUsers", allowedCallers: .only(["router"]))
    /// `identity.DeleteUser`: deletes a user and ends their sessions (`NOT_FOUND` if absent).
    public static let deleteUser = MethodDescriptor<UserIDRequest, Empty>(
        "identity.DeleteUser", allowedCallers: .only(["router"]))
    /// `identity.ListAudit`: the project's auth events, newest first.
    public static let listAudit = MethodDescriptor<PageQuery, Page<AuditEventView>>(
        "identity.ListAudit", allowedCallers: .only(["router"]))
    /// `identity.GetSettings`: the project's identity settings.
    public static let getSettings = MethodDescriptor<Empty, IdentitySettings>(
        "identity.GetSettings", allowedCallers: .only(["router"]))
    /// `identity.UpdateSettings`: replaces the fields that are set.
    public static let updateSettings = MethodDescriptor<UpdateIdentitySettingsRequest, IdentitySettings>(
        "identity.UpdateSettings", allowedCallers: .only(["router"]))
}
