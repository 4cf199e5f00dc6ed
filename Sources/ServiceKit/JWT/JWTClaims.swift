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

    /// Creates claims.
    public init(
        iss: String, sub: String, aud: String, exp: Int, iat: Int, nbf: Int? = nil,
        sid: String, role: String, email: String? = nil
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
    }
}
