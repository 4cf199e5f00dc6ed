internal import COpenSSL

/// An RSA signing key for RSASSA-PKCS1-v1_5 with SHA-256 (`rsa-sha256`): CommsService's DKIM keys (RFC 6376).
///
/// ```swift
/// let key = try RSAPrivateKey(bits: 2048)
/// let signature = try key.sha256Signature(for: Array(signedHeaders.utf8))   // 256 bytes
/// let dnsValue = "v=DKIM1; k=rsa; p=" + Data(key.publicKeyDER).base64EncodedString()
/// let stored = key.derRepresentation   // a secret: seal it (AES256GCM) before storing
/// ```
///
/// Generated with OpenSSL's EVP API from its default random source. The key is read-only after `init`,
/// so one value may sign from many tasks at once (each signature uses its own `EVP_MD_CTX`).
/// `description` never shows key material.
public struct RSAPrivateKey: Sendable, CustomStringConvertible {
    private let handle: RSAKeyHandle

    /// The public key as DER `SubjectPublicKeyInfo` (what DKIM's `p=` holds, base64-encoded).
    public let publicKeyDER: [UInt8]

    /// Generates a new key of `bits` (2048–4096).
    ///
    /// - Throws: ``CryptoError`` `.invalidParameter` for another size, `.openssl` if generation fails.
    public init(bits: Int = 2048) throws {
        guard (2048...4096).contains(bits) else { throw CryptoError(.invalidParameter) }
        let context = try CryptoOpenSSL.unwrap(EVP_PKEY_CTX_new_from_name(nil, "RSA", nil), .openssl)
        defer { EVP_PKEY_CTX_free(context) }
        try CryptoOpenSSL.check(EVP_PKEY_keygen_init(context) == 1, .openssl)
        var size = UInt32(bits)
        let set = "bits".withCString { name in
            var parameters = [OSSL_PARAM_construct_uint(name, &size), OSSL_PARAM_construct_end()]
            return EVP_PKEY_CTX_set_params(context, &parameters)
        }
        try CryptoOpenSSL.check(set == 1, .openssl)
        var key: OpaquePointer?
        try CryptoOpenSSL.check(EVP_PKEY_generate(context, &key) == 1, .openssl)
        self.handle = RSAKeyHandle(taking: try CryptoOpenSSL.unwrap(key, .openssl))
        self.publicKeyDER = try self.handle.publicKeyDER()
    }

    /// Restores a key from ``derRepresentation``.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when the bytes are not an RSA private key of 2048–4096 bits.
    public init(derRepresentation der: some Collection<UInt8>) throws {
        let bytes = Array(der)
        let key = try bytes.withUnsafeBufferPointer { buffer throws(CryptoError) -> OpaquePointer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return try CryptoOpenSSL.unwrap(d2i_AutoPrivateKey(nil, &cursor, buffer.count), .invalidKey)
        }
        let handle = RSAKeyHandle(taking: key)
        guard EVP_PKEY_is_a(key, "RSA") == 1, (2048...4096).contains(Int(EVP_PKEY_get_bits(key))) else {
            throw CryptoError(.invalidKey)
        }
        self.handle = handle
        self.publicKeyDER = try handle.publicKeyDER()
    }

    /// The private key in DER (the traditional PKCS #1 form). It is a secret: store it only sealed.
    public var derRepresentation: [UInt8] {
        do {
            return try handle.der(i2d_PrivateKey)
        } catch {
            fatalError("RSAPrivateKey: OpenSSL could not export the private key")
        }
    }

    /// The RSASSA-PKCS1-v1_5 SHA-256 signature of `message` (deterministic; as long as the modulus).
    public func sha256Signature(for message: some Collection<UInt8>) throws -> [UInt8] {
        try DigestSigning.sha256(key: handle.key, message)
    }

    /// The modulus size in bits.
    public var bits: Int { Int(EVP_PKEY_get_bits(handle.key)) }

    /// The public modulus and exponent, big-endian (a JWK's `n` and `e`, before base64url).
    public var publicComponents: (modulus: [UInt8], exponent: [UInt8]) {
        (handle.bigNumber("n"), handle.bigNumber("e"))
    }

    /// The verification key of this key.
    public var publicKey: RSAPublicKey {
        get throws { try RSAPublicKey(modulus: publicComponents.modulus, exponent: publicComponents.exponent) }
    }

    /// Names the key size only.
    public var description: String { "RSAPrivateKey(bits: \(bits))" }
}

/// The single owner of one RSA `EVP_PKEY`; `deinit` frees it. Only read after `init`.
private final class RSAKeyHandle: @unchecked Sendable {
    let key: OpaquePointer

    init(taking key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// A big-number parameter of the key (`n`, `e`), big-endian; empty if OpenSSL has none.
    func bigNumber(_ name: String) -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            _ = CryptoOpenSSL.drainErrorQueue()
            return []
        }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: (Int(BN_num_bits(number)) + 7) / 8)
        _ = bytes.withUnsafeMutableBufferPointer { BN_bn2bin(number, $0.baseAddress) }
        return bytes
    }

    /// The DER `SubjectPublicKeyInfo`.
    func publicKeyDER() throws(CryptoError) -> [UInt8] { try der(i2d_PUBKEY) }

    /// The bytes an `i2d_*` function writes for the key (asked for the length first).
    func der(
        _ encode: (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) throws(CryptoError) -> [UInt8] {
        let length = encode(key, nil)
        try CryptoOpenSSL.check(length > 0, .openssl)
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return encode(key, &cursor)
        }
        try CryptoOpenSSL.check(written == length, .openssl)
        return bytes
    }
}
