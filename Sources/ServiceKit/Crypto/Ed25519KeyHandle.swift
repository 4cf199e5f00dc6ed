internal import COpenSSL

/// The single owner of one Ed25519 `EVP_PKEY` and of a signing or verifying `EVP_MD_CTX` template for it;
/// `deinit` frees both.
///
/// OpenSSL 3.0 has no API that takes a pre-fetched `EVP_SIGNATURE`, so `EVP_DigestSignInit_ex` /
/// `EVP_DigestVerifyInit_ex` look the algorithm up in the locked method store on every call (about 3.4 µs
/// here). Instead the handle initialises one context at creation and every operation starts from a copy of
/// it (`EVP_MD_CTX_copy_ex`, about 0.3 µs, no fetch). The template and the key are only ever read after `init`:
/// copying takes `const` pointers and bumps atomic reference counts, so concurrent use from many threads is
/// safe, and each operation works on its own fresh context.
final class Ed25519KeyHandle: @unchecked Sendable {
    /// What the template context was initialised for.
    enum Purpose {
        case signing
        case verifying
    }

    let key: OpaquePointer
    private let template: OpaquePointer

    /// Takes ownership of `key` (freed on failure too) and prepares a template context for `purpose`.
    init(taking key: OpaquePointer, for purpose: Purpose) throws(CryptoError) {
        guard let template = EVP_MD_CTX_new() else {
            EVP_PKEY_free(key)
            throw CryptoError(.openssl, openSSLErrorCode: CryptoOpenSSL.drainErrorQueue())
        }
        let ok: Int32
        switch purpose {
        case .signing: ok = EVP_DigestSignInit_ex(template, nil, nil, nil, nil, key, nil)
        case .verifying: ok = EVP_DigestVerifyInit_ex(template, nil, nil, nil, nil, key, nil)
        }
        guard ok == 1 else {
            EVP_MD_CTX_free(template)
            EVP_PKEY_free(key)
            throw CryptoError(.invalidKey, openSSLErrorCode: CryptoOpenSSL.drainErrorQueue())
        }
        self.key = key
        self.template = template
    }

    deinit {
        EVP_MD_CTX_free(self.template)
        EVP_PKEY_free(self.key)
    }

    /// Calls `body` with a fresh copy of the template context, freed afterwards.
    func withContext<Result>(_ body: (OpaquePointer) throws(CryptoError) -> Result) throws(CryptoError) -> Result {
        let context = try CryptoOpenSSL.unwrap(EVP_MD_CTX_new(), .openssl)
        defer { EVP_MD_CTX_free(context) }
        try CryptoOpenSSL.check(EVP_MD_CTX_copy_ex(context, self.template) == 1, .openssl)
        return try body(context)
    }

    /// Reads the 32-byte raw public key.
    func rawPublicKey() throws(CryptoError) -> [UInt8] {
        try self.raw(EVP_PKEY_get_raw_public_key)
    }

    /// Reads the 32-byte raw private key (the RFC 8032 seed).
    func rawPrivateKey() throws(CryptoError) -> [UInt8] {
        try self.raw(EVP_PKEY_get_raw_private_key)
    }

    private func raw(
        _ get: (OpaquePointer?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>?) -> Int32
    ) throws(CryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 32)
        var length = 32
        let ok = bytes.withUnsafeMutableBufferPointer { get(self.key, $0.baseAddress, &length) }
        try CryptoOpenSSL.check(ok == 1 && length == 32, .invalidKey)
        return bytes
    }
}
