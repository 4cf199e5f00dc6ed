import Foundation

/// An OpenID provider's signing keys, read from its JWKS document (RFC 7517): RSA keys for `RS256` and
/// P-256 keys for `ES256`, by `kid`. Keys of another type or curve, keys whose `use` is not `sig`, and keys
/// that do not parse are skipped (a provider may list keys we never need).
///
/// ```swift
/// let keys = try OIDCKeySet(jwks: response.body)
/// let claims = try IDTokenVerifier(issuer: issuer, clientID: clientID).verify(token, keys: keys, nonce: nonce, now: Date())
/// ```
public struct OIDCKeySet: Sendable {
    /// One verification key.
    public enum Key: Sendable {
        /// An RSA key (`RS256`).
        case rsa(RSAPublicKey)
        /// A P-256 key (`ES256`).
        case p256(P256PublicKey)

        /// The JWS `alg` this key verifies.
        public var algorithm: String {
            switch self {
            case .rsa: "RS256"
            case .p256: "ES256"
            }
        }
    }

    /// The keys by `kid`.
    public let keys: [String: Key]

    /// Creates a set from keys by `kid`.
    public init(keys: [String: Key]) { self.keys = keys }

    /// Parses a JWKS document; throws ``IDTokenError/malformed`` when it is not `{"keys":[…]}`.
    public init(jwks: [UInt8]) throws(IDTokenError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(jwks)) as? [String: Any],
              let list = object["keys"] as? [[String: Any]]
        else { throw .malformed }
        var keys: [String: Key] = [:]
        for jwk in list {
            guard let kid = jwk["kid"] as? String, keys[kid] == nil, let key = Self.key(jwk) else { continue }
            keys[kid] = key
        }
        self.keys = keys
    }

    private static func key(_ jwk: [String: Any]) -> Key? {
        if let use = jwk["use"] as? String, use != "sig" { return nil }
        let alg = jwk["alg"] as? String
        func bytes(_ name: String) -> [UInt8]? { (jwk[name] as? String).flatMap { Base64URL.decode($0) } }
        switch jwk["kty"] as? String {
        case "RSA":
            guard alg == nil || alg == "RS256", let n = bytes("n"), let e = bytes("e") else { return nil }
            return (try? RSAPublicKey(modulus: n, exponent: e)).map(Key.rsa)
        case "EC":
            guard alg == nil || alg == "ES256", jwk["crv"] as? String == "P-256", let x = bytes("x"), let y = bytes("y")
            else { return nil }
            return (try? P256PublicKey(x: x, y: y)).map(Key.p256)
        default:
            return nil
        }
    }
}
