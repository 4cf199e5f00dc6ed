/// Why ``IDTokenVerifier`` refused an OpenID Connect ID token. Cases name a reason only (no part of the
/// token), so they are safe to log and to put in an audit detail.
public enum IDTokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not a compact JWS of three strict base64url segments within 16 KiB, or its header or claims are not
    /// the JSON expected (a `crit` header, a missing `sub`, `iss`, `aud`, `exp`, `iat`, …).
    case malformed
    /// `alg` is not `RS256` or `ES256` (so `none` and every `HS*` are refused), or does not fit the key.
    case unsupportedAlgorithm
    /// No key of the provider's JWKS has the token's `kid` (even after fetching the set again).
    case unknownKey
    /// The signature does not verify.
    case badSignature
    /// `iss` is not the provider's issuer.
    case wrongIssuer
    /// `aud` does not contain the client id (or several audiences and `azp` is not the client id).
    case wrongAudience
    /// `exp` has passed (beyond the leeway).
    case expired
    /// `iat` (or `nbf`) lies in the future beyond the leeway, or `iat` is older than the maximum age.
    case badIssuedAt
    /// `nonce` is missing or is not the one this sign-in sent.
    case nonceMismatch

    /// The case name (`bad_signature`, …), for audit details and `error_description`.
    public var description: String {
        switch self {
        case .malformed: "malformed"
        case .unsupportedAlgorithm: "unsupported_algorithm"
        case .unknownKey: "unknown_key"
        case .badSignature: "bad_signature"
        case .wrongIssuer: "wrong_issuer"
        case .wrongAudience: "wrong_audience"
        case .expired: "expired"
        case .badIssuedAt: "bad_iat"
        case .nonceMismatch: "nonce_mismatch"
        }
    }
}
