internal import COpenSSL

/// One-shot `EVP_DigestSign` with SHA-256 over any private `EVP_PKEY` (RSA PKCS #1 v1.5, ECDSA as DER): what
/// ``RSAPrivateKey`` and ``P256PrivateKey`` sign with. Each call uses its own `EVP_MD_CTX`.
enum DigestSigning {
    /// The signature of `message` by `key`, in OpenSSL's form.
    static func sha256(key: OpaquePointer, _ message: some Collection<UInt8>) throws -> [UInt8] {
        try CryptoBytes.with(message) { message throws(CryptoError) -> [UInt8] in
            let context = try CryptoOpenSSL.unwrap(EVP_MD_CTX_new(), .openssl)
            defer { EVP_MD_CTX_free(context) }
            try CryptoOpenSSL.check(EVP_DigestSignInit_ex(context, nil, "SHA2-256", nil, nil, key, nil) == 1, .openssl)
            let input = message.baseAddress?.assumingMemoryBound(to: UInt8.self)
            var length = 0
            try CryptoOpenSSL.check(EVP_DigestSign(context, nil, &length, input, message.count) == 1, .openssl)
            var signature = [UInt8](repeating: 0, count: length)
            let ok = signature.withUnsafeMutableBufferPointer {
                EVP_DigestSign(context, $0.baseAddress, &length, input, message.count)
            }
            try CryptoOpenSSL.check(ok == 1, .openssl)
            return Array(signature.prefix(length))
        }
    }
}
