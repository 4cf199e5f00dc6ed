/// Signs access tokens as compact JWS with EdDSA (Ed25519) and a `kid` (RFC 7515, RFC 8037).
///
/// ```swift
/// let signer = JWTSigner(kid: "2025-06-k1", privateKey: key)
/// let token = try signer.sign(claims)   // "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6…"
/// ```
///
/// The header is `{"alg":"EdDSA","typ":"JWT","kid":…}`, encoded once. Claims are written in a fixed order
/// (`iss sub aud exp iat nbf sid role email aal amr mfa`; the optional ones only when set), so signing is deterministic.
public struct JWTSigner: Sendable {
    /// The key id written into every header.
    public let kid: String
    private let privateKey: Ed25519PrivateKey
    private let encodedHeader: [UInt8]

    /// Creates a signer for the key named `kid`.
    public init(kid: String, privateKey: Ed25519PrivateKey) {
        self.kid = kid
        self.privateKey = privateKey
        var header = JWTJSONWriter()
        header.member("alg", "EdDSA")
        header.member("typ", "JWT")
        header.member("kid", kid)
        self.encodedHeader = Array(Base64URL.encode(header.finish()).utf8)
    }

    /// Returns the compact JWS of `claims`.
    ///
    /// - Throws: ``CryptoError`` only if OpenSSL fails to sign (allocation failure).
    public func sign(_ claims: JWTClaims) throws -> String {
        var payload = JWTJSONWriter()
        payload.member("iss", claims.iss)
        payload.member("sub", claims.sub)
        payload.member("aud", claims.aud)
        payload.member("exp", claims.exp)
        payload.member("iat", claims.iat)
        if let nbf = claims.nbf { payload.member("nbf", nbf) }
        payload.member("sid", claims.sid)
        payload.member("role", claims.role)
        if let email = claims.email { payload.member("email", email) }
        if let aal = claims.aal { payload.member("aal", aal) }
        if let amr = claims.amr { payload.member("amr", amr) }
        if let mfa = claims.mfa { payload.member("mfa", mfa) }

        var signingInput = self.encodedHeader
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: Base64URL.encode(payload.finish()).utf8)
        let signature = try self.privateKey.signature(for: signingInput)
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: Base64URL.encode(signature).utf8)
        return String(decoding: signingInput, as: UTF8.self)
    }
}
