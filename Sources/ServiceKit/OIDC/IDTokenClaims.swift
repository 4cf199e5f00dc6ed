/// What Identity reads from a verified ID token.
public struct IDTokenClaims: Sendable, Hashable {
    /// The provider's stable user id.
    public var subject: String
    /// The issuer.
    public var issuer: String
    /// The email, if the provider shares one.
    public var email: String?
    /// Whether the provider says it verified `email` (`email_verified` `true`, or the string `"true"` as Apple
    /// sends it); false when absent.
    public var emailVerified: Bool
    /// `exp`, seconds since 1970.
    public var expiresAt: Int
    /// `iat`, seconds since 1970.
    public var issuedAt: Int

    /// Creates claims.
    public init(subject: String, issuer: String, email: String?, emailVerified: Bool, expiresAt: Int, issuedAt: Int) {
        self.subject = subject
        self.issuer = issuer
        self.email = email
        self.emailVerified = emailVerified
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }
}
