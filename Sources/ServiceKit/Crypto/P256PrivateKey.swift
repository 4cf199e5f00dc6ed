internal import COpenSSL

/// An ECDSA P-256 signing key producing JWS `ES256` signatures (raw `r ‖ s`): the development OpenID provider's
/// and the tests' EC key. Generated with OpenSSL's EVP API; `description` never shows key material.
///
/// ```swift
/// let key = try P256PrivateKey()
/// let signature = try key.jwsSignature(for: Array(signingInput.utf8))   // 64 bytes
/// let (x, y) = key.publicCoordinates                                      // for the JWK
/// ```
public struct P256PrivateKey: Sendable, CustomStringConvertible {
    private let handle: VerificationKeyHandle

    /// The public point's 32-byte big-endian coordinates (the JWK's `x` and `y`, before base64url).
    public let publicCoordinates: (x: [UInt8], y: [UInt8])

    /// Generates a new key.
    public init() throws {
        let context = try CryptoOpenSSL.unwrap(EVP_PKEY_CTX_new_from_name(nil, "EC", nil), .openssl)
        defer { EVP_PKEY_CTX_free(context) }
        try CryptoOpenSSL.check(EVP_PKEY_keygen_init(context) == 1, .openssl)
        var group = Array("P-256".utf8CString)
        let set = group.withUnsafeMutableBufferPointer { name in
            var parameters = [OSSL_PARAM_construct_utf8_string(CryptoOpenSSL.parameterName("group"), name.baseAddress, 0), OSSL_PARAM_construct_end()]
            return EVP_PKEY_CTX_set_params(context, &parameters)
        }
        try CryptoOpenSSL.check(set == 1, .openssl)
        var generated: OpaquePointer?
        try CryptoOpenSSL.check(EVP_PKEY_generate(context, &generated) == 1, .openssl)
        let key = try CryptoOpenSSL.unwrap(generated, .openssl)
        let handle = VerificationKeyHandle(taking: key)
        var point = [UInt8](repeating: 0, count: 65)
        var length = 0
        let ok = point.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_octet_string_param(key, "pub", $0.baseAddress, 65, &length)
        }
        try CryptoOpenSSL.check(ok == 1 && length == 65 && point[0] == 0x04, .openssl)
        self.handle = handle
        self.publicCoordinates = (Array(point[1..<33]), Array(point[33..<65]))
    }

    /// The verification key of this key.
    public var publicKey: P256PublicKey {
        get throws { try P256PublicKey(x: publicCoordinates.x, y: publicCoordinates.y) }
    }

    /// The JWS ES256 signature (`r ‖ s`, 64 bytes) of `message` (randomised, as ECDSA is).
    public func jwsSignature(for message: some Collection<UInt8>) throws -> [UInt8] {
        let der = try DigestSigning.sha256(key: handle.key, message)
        return try ECDSASignatureFormat.raw(fromDER: der, width: 32)
    }

    /// Names the curve only.
    public var description: String { "P256PrivateKey" }
}
