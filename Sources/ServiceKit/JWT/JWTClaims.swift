/// The claims of a Purrpurr access token, as Identity signs them and the Router verifies them.
///
/// ```swift
/// let claims = JWTClaims(
///     iss: "https://identity.purrpurr", sub: userID, aud: projectID,
///     exp: now + 3600, iat: now, sid: sessionID, role: "authenticated", email: "ana@example.com"
/// )
/// let token = try signer.sign(claims)
/// ```
///
/// Times are whole seconds since 1970 (JWT `NumericDate`). `aud` is a single string: the project id.
///
/// `aal` is the session's authenticator assurance level (`aal1`, `aal2` after a second factor), `amr` how and
/// when the session was authenticated (for clients; ``JWTVerifier`` does not read it back), `mfa` true when
/// the user has a verified second factor (so an `aal1` token of theirs reaches only the MFA routes).
/// Tokens issued before these claims existed lack them: read as `aal1`, no factor.
public struct JWTClaims: Codable, Sendable, Hashable {
    /// Issuer: Identity's issuer name.
    public var iss: String
    /// Subject: the end user's id.
    public var sub: String
    /// Audience: the project id the token is for.
    public var aud: String
    /// Expiry, seconds since 1970.
    public var exp: Int
    /// Issued at, seconds since 1970.
    public var iat: Int
    /// Not before, seconds since 1970 (absent when the token is valid from `iat`).
    public var nbf: Int?
    /// The session id (revocations name it).
    public var sid: String
    /// The end user's role (e.g. `authenticated`).
    public var role: String
    /// The end user's email, when the user has one.
    public var email: String?
    /// The authenticator assurance level (`aal1`, `aal2`); nil in tokens older than MFA (read as `aal1`).
    public var aal: String?
    /// The authentication methods of the session, oldest first (written by the signer; never read back).
    public var amr: [JWTAuthMethod]?
    /// True when the user has a verified second factor; nil (absent) otherwise.
    public var mfa: Bool?

    /// Creates claims.
    public init(
        iss: String, sub: String, aud: String, exp: Int, iat: Int, nbf: Int? = nil,
        sid: String, role: String, email: String? = nil, aal: String? = nil, amr: [JWTAuthMethod]? = nil,
        mfa: Bool? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.iat = iat
        self.nbf = nbf
        self.sid = sid
        self.role = role
        self.email = email
        self.aal = aal
        self.amr = amr
        self.mfa = mfa
    }

    /// Whether this token must not reach routes that need `aal2`: an `aal1` token of a user with a verified factor.
    public var needsSecondFactor: Bool { mfa == true && (aal ?? "aal1") != "aal2" }
}

/// One entry of the `amr` claim: a way the session was authenticated, and when (seconds since 1970).
public struct JWTAuthMethod: Codable, Sendable, Hashable {
    /// `password`, `magiclink`, `recovery`, `oauth`, `totp` or `recovery_code`.
    public var method: String
    /// When, seconds since 1970.
    public var timestamp: Int

    /// Creates an entry.
    public init(method: String, timestamp: Int) {
        self.method = method
        self.timestamp = timestamp
    }
}
