import Foundation

/// Verifies EdDSA (Ed25519) access tokens against a set of current keys, by `kid`.
///
/// ```swift
/// let verifier = JWTVerifier(issuer: keySet.issuer, keys: ["k1": publicKey])
/// do {
///     let claims = try verifier.verify(token, audience: projectID, now: Date())
/// } catch .expired {
///     // 401 TOKEN_EXPIRED
/// } catch {
///     // 401 INVALID_TOKEN
/// }
/// ```
///
/// Order of checks, so that no claim is trusted before the signature: size (≤ 8 KiB) and shape (three
/// segments, strict base64url without padding) → header JSON (`alg` exactly `EdDSA`, no `crit`, `typ` absent
/// or `JWT`, a string `kid`) → key by `kid` → signature → claims JSON → `iss` → `aud` → `exp`, `nbf`, `iat`
/// with `leeway` seconds. `aud` must be a single string equal to the audience: the array form is refused as
/// ``JWTError/malformed`` (Identity never issues it). Times must be integer literals.
public struct JWTVerifier: Sendable {
    /// The largest token accepted, in bytes.
    public static let maximumTokenSize = 8192

    /// The required `iss`.
    public let issuer: String
    /// Tolerated clock skew in seconds.
    public let leeway: Int
    private let keys: [String: Ed25519PublicKey]

    /// Creates a verifier accepting tokens of `issuer` signed by one of `keys` (kid → key).
    public init(issuer: String, keys: [String: Ed25519PublicKey], leeway: Int = 30) {
        self.issuer = issuer
        self.keys = keys
        self.leeway = max(0, leeway)
    }

    /// The key ids this verifier knows.
    public var kids: Set<String> { Set(self.keys.keys) }

    /// Verifies `token` for `audience` at `now` and returns its claims.
    public func verify(_ token: String, audience: String, now: Date) throws(JWTError) -> JWTClaims {
        var token = token
        let claims = try token.withUTF8 { utf8 in
            Result { () throws(JWTError) in try self.verifiedClaims(UnsafeRawBufferPointer(utf8)) }
        }.get()
        guard claims.iss == self.issuer else { throw .wrongIssuer }
        guard claims.aud == audience else { throw .wrongAudience }
        let seconds = Int(now.timeIntervalSince1970.rounded(.down))
        guard seconds < claims.exp.addingReportingOverflow(self.leeway).partialValue else { throw .expired }
        if let nbf = claims.nbf, seconds + self.leeway < nbf { throw .notYetValid }
        guard seconds + self.leeway >= claims.iat else { throw .notYetValid }
        return claims
    }

    /// Checks shape, header and signature, then parses the claims.
    private func verifiedClaims(_ token: UnsafeRawBufferPointer) throws(JWTError) -> JWTClaims {
        guard token.count <= Self.maximumTokenSize else { throw .malformed }
        var dots: [Int] = []
        for (offset, byte) in token.enumerated() where byte == UInt8(ascii: ".") {
            dots.append(offset)
            guard dots.count <= 2 else { throw .malformed }
        }
        guard dots.count == 2 else { throw .malformed }
        let headerPart = UnsafeRawBufferPointer(rebasing: token[0..<dots[0]])
        let payloadPart = UnsafeRawBufferPointer(rebasing: token[(dots[0] + 1)..<dots[1]])
        let signaturePart = UnsafeRawBufferPointer(rebasing: token[(dots[1] + 1)...])

        let headerBytes = try Self.strictDecode(headerPart)
        let payloadBytes = try Self.strictDecode(payloadPart)
        let signature = try Self.strictDecode(signaturePart)
        let kid = try Self.checkedKid(headerBytes: headerBytes)
        guard let key = self.keys[kid] else { throw .unknownKey }
        guard signature.count == 64 else { throw .malformed }
        let signingInput = UnsafeRawBufferPointer(rebasing: token[0..<dots[1]])
        guard key.isValidSignature(signature, for: signingInput) else { throw .badSignature }
        return try Self.claims(payloadBytes: payloadBytes)
    }

    /// Base64url without padding, non-empty.
    private static func strictDecode(_ segment: UnsafeRawBufferPointer) throws(JWTError) -> [UInt8] {
        guard !segment.isEmpty, !segment.contains(UInt8(ascii: "=")), let bytes = Base64URL.decode(utf8: segment)
        else { throw .malformed }
        return bytes
    }

    /// Validates the header and returns its `kid`.
    private static func checkedKid(headerBytes: [UInt8]) throws(JWTError) -> String {
        var algorithm: String?
        var kid: String?
        var failure: JWTError?
        try JWTJSONReader.readObject(headerBytes) { name, value throws(JWTError) in
            switch (name, value) {
            case ("alg", .string(let string)): algorithm = string
            case ("alg", _): failure = failure ?? .unsupportedAlgorithm
            case ("kid", .string(let string)): kid = string
            case ("typ", .string(let string)) where string == "JWT": break
            case ("typ", _), ("kid", _), ("crit", _): throw .malformed
            default: break
            }
        }
        if let failure { throw failure }
        guard algorithm == "EdDSA" else { throw .unsupportedAlgorithm }
        guard let kid else { throw .malformed }
        return kid
    }

    /// Parses the claims object; a missing or mistyped claim is malformed.
    private static func claims(payloadBytes: [UInt8]) throws(JWTError) -> JWTClaims {
        var iss: String?, sub: String?, aud: String?, sid: String?, role: String?, email: String?, aal: String?
        var exp: Int?, iat: Int?, nbf: Int?, mfa: Bool?
        try JWTJSONReader.readObject(payloadBytes) { name, value throws(JWTError) in
            switch (name, value) {
            case ("iss", .string(let v)): iss = v
            case ("sub", .string(let v)): sub = v
            case ("aud", .string(let v)): aud = v
            case ("sid", .string(let v)): sid = v
            case ("role", .string(let v)): role = v
            case ("email", .string(let v)): email = v
            case ("aal", .string(let v)): aal = v
            case ("mfa", .bool(let v)): mfa = v
            case ("email", .null), ("nbf", .null), ("aal", .null), ("mfa", .null): break
            case ("exp", .integer(let v)): exp = v
            case ("iat", .integer(let v)): iat = v
            case ("nbf", .integer(let v)): nbf = v
            case ("iss", _), ("sub", _), ("aud", _), ("sid", _), ("role", _), ("email", _), ("exp", _), ("iat", _),
                ("nbf", _), ("aal", _), ("mfa", _):
                throw .malformed
            default: break
            }
        }
        guard let iss, let sub, let aud, let exp, let iat, let sid, let role else { throw .malformed }
        return JWTClaims(iss: iss, sub: sub, aud: aud, exp: exp, iat: iat, nbf: nbf, sid: sid, role: role, email: email,
            aal: aal, mfa: mfa)
    }
}
