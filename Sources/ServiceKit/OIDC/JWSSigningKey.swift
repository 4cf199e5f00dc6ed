import Foundation

/// A key that signs compact JWS tokens as an OpenID provider does (`RS256` or `ES256`), and its public JWK:
/// what the development OpenID provider of `purrpurr up` (and the tests' fake provider) sign ID tokens with.
/// Identity itself only verifies such tokens (``IDTokenVerifier``).
///
/// ```swift
/// let key = try JWSSigningKey.es256(kid: "ec-1")
/// let token = try key.sign(claims: ["iss": .string(issuer), "sub": .string("42"), …])
/// let jwks = JWSSigningKey.jwks([key, rsaKey])   // {"keys":[…]}
/// ```
public struct JWSSigningKey: Sendable {
    /// The key material.
    public enum Material: Sendable {
        /// An RSA key (`RS256`).
        case rsa(RSAPrivateKey)
        /// A P-256 key (`ES256`).
        case p256(P256PrivateKey)
    }

    /// The key id written into headers and the JWK.
    public let kid: String
    /// The key.
    public let material: Material

    /// Wraps a key.
    public init(kid: String, material: Material) {
        self.kid = kid
        self.material = material
    }

    /// A new 2048-bit RSA key.
    public static func rs256(kid: String) throws -> JWSSigningKey { JWSSigningKey(kid: kid, material: .rsa(try RSAPrivateKey())) }

    /// A new P-256 key.
    public static func es256(kid: String) throws -> JWSSigningKey { JWSSigningKey(kid: kid, material: .p256(try P256PrivateKey())) }

    /// `RS256` or `ES256`.
    public var algorithm: String {
        switch material {
        case .rsa: "RS256"
        case .p256: "ES256"
        }
    }

    /// The public JWK (`kty`, `kid`, `use`, `alg` and `n`/`e` or `crv`/`x`/`y`).
    public var publicJWK: [String: String] {
        var jwk = ["kid": kid, "use": "sig", "alg": algorithm]
        switch material {
        case .rsa(let key):
            let (n, e) = key.publicComponents
            jwk.merge(["kty": "RSA", "n": Base64URL.encode(n), "e": Base64URL.encode(e)]) { $1 }
        case .p256(let key):
            jwk.merge(["kty": "EC", "crv": "P-256", "x": Base64URL.encode(key.publicCoordinates.x),
                       "y": Base64URL.encode(key.publicCoordinates.y)]) { $1 }
        }
        return jwk
    }

    /// The JWKS document of `keys`.
    public static func jwks(_ keys: [JWSSigningKey]) -> [UInt8] {
        let object: [String: Any] = ["keys": keys.map(\.publicJWK)]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    /// The compact JWS of `claims` (a JSON object) with header `{"alg","kid","typ":"JWT"}`.
    public func sign(claims: [String: Any]) throws -> String {
        try sign(header: ["alg": algorithm, "kid": kid, "typ": "JWT"], claims: claims)
    }

    /// The compact JWS of `claims` under `header` as given (tests forge headers with it), signed with this key.
    public func sign(header: [String: Any], claims: [String: Any]) throws -> String {
        let input = Self.signingInput(header: header, claims: claims)
        let signature: [UInt8]
        switch material {
        case .rsa(let key): signature = try key.sha256Signature(for: Array(input.utf8))
        case .p256(let key): signature = try key.jwsSignature(for: Array(input.utf8))
        }
        return input + "." + Base64URL.encode(signature)
    }

    /// `base64url(header) "." base64url(claims)`.
    public static func signingInput(header: [String: Any], claims: [String: Any]) -> String {
        func part(_ object: [String: Any]) -> String {
            Base64URL.encode(Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()))
        }
        return part(header) + "." + part(claims)
    }
}
