internal import COpenSSL

/// The single owner of one public `EVP_PKEY` (RSA or EC P-256) that checks SHA-256 signatures with
/// `EVP_DigestVerify`; `deinit` frees it. Only read after `init`, so one handle serves many tasks at once
/// (each verification uses its own `EVP_MD_CTX`).
final class VerificationKeyHandle: @unchecked Sendable {
    let key: OpaquePointer

    init(taking key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }

    /// `EVP_PKEY_PUBLIC_KEY` (a macro Swift cannot see): all parameters plus the public key.
    private static let publicKeySelection: Int32 = 0x84 | 0x02

    /// Builds a public key of `type` (`RSA`, `EC`) from OSSL parameters (`EVP_PKEY_fromdata`).
    static func fromData(type: String, _ parameters: inout [OSSL_PARAM]) throws(CryptoError) -> VerificationKeyHandle {
        let context = try CryptoOpenSSL.unwrap(EVP_PKEY_CTX_new_from_name(nil, type, nil), .invalidKey)
        defer { EVP_PKEY_CTX_free(context) }
        try CryptoOpenSSL.check(EVP_PKEY_fromdata_init(context) == 1, .invalidKey)
        var key: OpaquePointer?
        let made = parameters.withUnsafeMutableBufferPointer { buffer in
            EVP_PKEY_fromdata(context, &key, Self.publicKeySelection, buffer.baseAddress)
        }
        try CryptoOpenSSL.check(made == 1, .invalidKey)
        return VerificationKeyHandle(taking: try CryptoOpenSSL.unwrap(key, .invalidKey))
    }

    /// Whether `signature` (in OpenSSL's form: PKCS #1 v1.5 bytes, or DER for ECDSA) verifies over `message`
    /// with SHA-256. Any failure is `false`, and leaves nothing on OpenSSL's error queue.
    func verifySHA256(_ signature: [UInt8], message: some Collection<UInt8>) -> Bool {
        let result: Int32 = CryptoBytes.with(message) { message in
            guard let context = EVP_MD_CTX_new() else { return 0 }
            defer { EVP_MD_CTX_free(context) }
            guard EVP_DigestVerifyInit_ex(context, nil, "SHA2-256", nil, nil, key, nil) == 1 else { return 0 }
            return signature.withUnsafeBufferPointer { signature in
                EVP_DigestVerify(
                    context, signature.baseAddress, signature.count,
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count)
            }
        }
        guard result == 1 else {
            _ = CryptoOpenSSL.drainErrorQueue()
            return false
        }
        return true
    }
}
