/// A public Ed25519 key as a JSON Web Key (RFC 8037): what a JWKS document lists.
///
/// ```swift
/// let jwk = JWK(kid: "k1", publicKey: signingKey.publicKey)
/// // {"kty":"OKP","crv":"Ed25519","x":"11qYAYKx…","kid":"k1","alg":"EdDSA","use":"sig"}
/// let key = try jwk.ed25519PublicKey()
/// ```
public struct JWK: Codable, Sendable, Hashable {
    /// Key type: `OKP`.
    public var kty: String
    /// Curve: `Ed25519`.
    public var crv: String
    /// The 32-byte public key, base64url without padding.
    public var x: String
    /// The key id tokens name in their header.
    public var kid: String
    /// The algorithm: `EdDSA`.
    public var alg: String
    /// The use: `sig`.
    public var use: String

    /// Creates the JWK of an Ed25519 public key.
    public init(kid: String, publicKey: Ed25519PublicKey) {
        self.kty = "OKP"
        self.crv = "Ed25519"
        self.x = Base64URL.encode(publicKey.rawRepresentation)
        self.kid = kid
        self.alg = "EdDSA"
        self.use = "sig"
    }

    /// The key, when this is an Ed25519 signing JWK (`kty` `OKP`, `crv` `Ed25519`, `alg` `EdDSA`, and `x` the
    /// strict base64url of 32 bytes).
    ///
    /// - Throws: ``JWTError/unsupportedAlgorithm`` for another key type, curve or algorithm;
    ///   ``JWTError/malformed`` for a bad `x`.
    public func ed25519PublicKey() throws(JWTError) -> Ed25519PublicKey {
        guard self.kty == "OKP", self.crv == "Ed25519", self.alg == "EdDSA" else { throw .unsupportedAlgorithm }
        guard !self.x.utf8.contains(UInt8(ascii: "=")), let raw = Base64URL.decode(self.x), raw.count == 32,
            let key = try? Ed25519PublicKey(rawRepresentation: raw)
        else { throw .malformed }
        return key
    }
}
