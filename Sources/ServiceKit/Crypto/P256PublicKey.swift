internal import COpenSSL

/// An ECDSA P-256 verification key with SHA-256 (JWS `ES256`): an OpenID provider's ID-token key, built from
/// its JWK's `x` and `y`.
///
/// ```swift
/// let key = try P256PublicKey(x: Base64URL.decode(jwk.x)!, y: Base64URL.decode(jwk.y)!)
/// guard key.isValidJWSSignature(signature, for: Array(signingInput.utf8)) else { throw … }
/// ```
///
/// JWS signatures are the raw `r ‖ s` (64 bytes); they are turned into DER for OpenSSL
/// (``ECDSASignatureFormat``). OpenSSL checks that the point lies on the curve.
public struct P256PublicKey: Sendable, CustomStringConvertible {
    private let handle: VerificationKeyHandle

    /// The uncompressed point `04 ‖ x ‖ y` (65 bytes).
    public let uncompressedPoint: [UInt8]

    /// Creates a key from its 32-byte big-endian coordinates.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when a coordinate is not 32 bytes or the point is not on P-256.
    public init(x: [UInt8], y: [UInt8]) throws {
        guard x.count == 32, y.count == 32 else { throw CryptoError(.invalidKey) }
        var point = [0x04] + x + y
        self.uncompressedPoint = point
        self.handle = try point.withUnsafeMutableBytes { pointBytes throws -> VerificationKeyHandle in
            var group = Array("P-256".utf8CString)
            return try group.withUnsafeMutableBufferPointer { groupName throws -> VerificationKeyHandle in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(CryptoOpenSSL.parameterName("group"), groupName.baseAddress, 0),
                    OSSL_PARAM_construct_octet_string(CryptoOpenSSL.parameterName("pub"), pointBytes.baseAddress, pointBytes.count),
                    OSSL_PARAM_construct_end(),
                ]
                return try VerificationKeyHandle.fromData(type: "EC", &parameters)
            }
        }
    }

    /// Whether the JWS signature `r ‖ s` (64 bytes) is a valid ECDSA P-256 SHA-256 signature of `message`.
    public func isValidJWSSignature(_ signature: [UInt8], for message: some Collection<UInt8>) -> Bool {
        guard let der = try? ECDSASignatureFormat.der(fromRaw: signature, width: 32) else { return false }
        return handle.verifySHA256(der, message: message)
    }

    /// The base64url point (public).
    public var description: String { "P256PublicKey(\(Base64URL.encode(uncompressedPoint)))" }
}
