import Foundation

/// Verifies an OpenID Connect ID token (Core §3.1.3.7) from the token endpoint of one provider.
///
/// ```swift
/// let verifier = IDTokenVerifier(issuer: "https://accounts.google.com", clientID: clientID)
/// let claims = try verifier.verify(idToken, keys: keys, nonce: flow.nonce, now: Date())   // throws(IDTokenError)
/// ```
///
/// In order, no claim trusted before the signature: size (≤ 16 KiB) and shape (three strict base64url
/// segments) → header (`alg` exactly `RS256` or `ES256` — `none`, `HS256` and the rest are refused, so a
/// public key can never be used as an HMAC secret —, no `crit`, `kid` a string when present) → the key by
/// `kid` (without `kid`: the set's only key of that algorithm), whose type must match `alg` → the signature
/// (`RS256`: PKCS #1 v1.5 SHA-256; `ES256`: raw `r ‖ s` as RFC 7518 says) → claims: `iss` equal to the issuer
/// (`{tenantid}` in the issuer is replaced by the token's `tid`, for Microsoft's common endpoint), `aud`
/// containing the client id (several audiences need `azp` = client id), `exp` not passed, `iat` and `nbf` not in
/// the future, `iat` not older than ``maximumAge``, each with ``leeway``, and `nonce` equal to the sign-in's
/// (constant time). `jku`, `x5u`, `jwk` headers are ignored: keys come only from the provider's JWKS.
public struct IDTokenVerifier: Sendable {
    /// The largest token accepted, in bytes.
    public static let maximumTokenSize = 16 * 1024

    /// The expected `iss`.
    public let issuer: String
    /// The expected audience: our client id at the provider.
    public let clientID: String
    /// Tolerated clock skew, seconds.
    public let leeway: Int
    /// The oldest `iat` accepted, seconds before now.
    public let maximumAge: Int

    /// Creates a verifier.
    public init(issuer: String, clientID: String, leeway: Int = 60, maximumAge: Int = 600) {
        self.issuer = issuer
        self.clientID = clientID
        self.leeway = max(0, leeway)
        self.maximumAge = maximumAge
    }

    /// The token's `kid` (nil when it has none), read without verifying anything: to tell whether the key
    /// set must be fetched again.
    public static func keyID(of token: String) -> String? {
        guard let header = token.split(separator: ".", omittingEmptySubsequences: false).first,
              let bytes = Base64URL.decode(String(header))
        else { return nil }
        var kid: String?
        try? JWTJSONReader.readObject(bytes) { name, value throws(JWTError) in
            if name == "kid", case .string(let string) = value { kid = string }
        }
        return kid
    }

    /// Verifies `token` with `keys` for the sign-in that sent `nonce`, at `now`.
    public func verify(_ token: String, keys: OIDCKeySet, nonce: String, now: Date) throws(IDTokenError) -> IDTokenClaims {
        guard token.utf8.count <= Self.maximumTokenSize else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformed }
        let (algorithm, kid) = try Self.readHeader(try Self.strictDecode(parts[0]))
        let payload = try Self.strictDecode(parts[1])
        let signature = try Self.strictDecode(parts[2])
        let key: OIDCKeySet.Key
        if let kid {
            guard let found = keys.keys[kid] else { throw .unknownKey }
            key = found
        } else {
            let candidates = keys.keys.values.filter { $0.algorithm == algorithm }
            guard candidates.count == 1 else { throw .unknownKey }
            key = candidates[0]
        }
        guard key.algorithm == algorithm else { throw .unsupportedAlgorithm }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let valid: Bool
        switch key {
        case .rsa(let rsa): valid = rsa.isValidSHA256Signature(signature, for: signingInput)
        case .p256(let ec): valid = ec.isValidJWSSignature(signature, for: signingInput)
        }
        guard valid else { throw .badSignature }
        return try check(payload, nonce: nonce, now: now)
    }

    private func check(_ payload: [UInt8], nonce expected: String, now: Date) throws(IDTokenError) -> IDTokenClaims {
        guard let claims = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { throw .malformed }
        guard let iss = claims["iss"] as? String, let sub = claims["sub"] as? String, !sub.isEmpty,
              let exp = Self.integer(claims["exp"]), let iat = Self.integer(claims["iat"])
        else { throw .malformed }
        let expectedIssuer = issuer.contains("{tenantid}")
            ? issuer.replacingOccurrences(of: "{tenantid}", with: claims["tid"] as? String ?? "\u{0}") : issuer
        guard iss == expectedIssuer else { throw .wrongIssuer }
        let audiences: [String]
        switch claims["aud"] {
        case let single as String: audiences = [single]
        case let list as [Any]: audiences = list.compactMap { $0 as? String }
        default: throw .malformed
        }
        guard audiences.contains(clientID) else { throw .wrongAudience }
        if audiences.count > 1, claims["azp"] as? String != clientID { throw .wrongAudience }
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        guard seconds < exp + leeway else { throw .expired }
        guard iat <= seconds + leeway, iat >= seconds - maximumAge - leeway else { throw .badIssuedAt }
        if let nbf = Self.integer(claims["nbf"]), nbf > seconds + leeway { throw .badIssuedAt }
        guard let nonce = claims["nonce"] as? String, ConstantTime.equals(Array(nonce.utf8), Array(expected.utf8))
        else { throw .nonceMismatch }
        let email = claims["email"] as? String
        let verified: Bool
        switch claims["email_verified"] {
        case let flag as Bool: verified = flag
        case let text as String: verified = text == "true"
        default: verified = false
        }
        return IDTokenClaims(
            subject: sub, issuer: iss, email: email, emailVerified: verified && email != nil, expiresAt: exp, issuedAt: iat)
    }

    /// A whole-number JSON value.
    private static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.rounded() == double, abs(double) < 1e15 else { return nil }
        return Int(double)
    }

    private static func strictDecode(_ segment: Substring) throws(IDTokenError) -> [UInt8] {
        guard !segment.isEmpty, !segment.contains("="), let bytes = Base64URL.decode(String(segment)) else {
            throw .malformed
        }
        return bytes
    }

    private static func readHeader(_ bytes: [UInt8]) throws(IDTokenError) -> (algorithm: String, kid: String?) {
        var algorithm: String?
        var kid: String?
        do {
            try JWTJSONReader.readObject(bytes) { name, value throws(JWTError) in
                switch (name, value) {
                case ("alg", .string(let string)): algorithm = string
                case ("kid", .string(let string)): kid = string
                case ("alg", _), ("kid", _), ("crit", _): throw .malformed
                default: break
                }
            }
        } catch {
            throw .malformed
        }
        guard let algorithm, algorithm == "RS256" || algorithm == "ES256" else { throw .unsupportedAlgorithm }
        return (algorithm, kid)
    }
}
