/// Why ``JWTVerifier`` refused a token.
///
/// Cases name a reason only; none carries any part of the token, so the value is safe to log. The Router maps
/// ``expired`` to `TOKEN_EXPIRED` and every other case to `INVALID_TOKEN`.
public enum JWTError: Error, Sendable, Hashable {
    /// Not a compact JWS of three strict base64url segments within the size bound, or its header or claims
    /// are not the JSON this library expects (including a `crit` header, duplicate members, a missing claim).
    case malformed
    /// The header's `alg` is anything other than exactly `EdDSA` (`none`, `HS256`, `ES256`, `eddsa`, …).
    case unsupportedAlgorithm
    /// The header's `kid` names no key of the verifier (an unknown or retired key).
    case unknownKey
    /// The signature does not verify with the `kid`'s key.
    case badSignature
    /// `exp` has passed (beyond the leeway).
    case expired
    /// `nbf` or `iat` lies in the future (beyond the leeway).
    case notYetValid
    /// `aud` is not the expected audience.
    case wrongAudience
    /// `iss` is not the verifier's issuer.
    case wrongIssuer
}
