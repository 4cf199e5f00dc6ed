internal import COpenSSL

/// AES-256-GCM authenticated encryption (NIST SP 800-38D) for credentials encrypted at rest.
///
/// The sealed form is `nonce (12) ‖ ciphertext ‖ tag (16)`, so it can be stored as one column.
///
/// ```swift
/// let sealed = try AES256GCM.seal(Array(smtpPassword.utf8), key: masterKey, authenticating: Array(projectID.utf8))
/// let plain = try AES256GCM.open(sealed, key: masterKey, authenticating: Array(projectID.utf8))
/// ```
///
/// Random 96-bit nonces are safe for up to about 2³² messages under one key (SP 800-38D §8.3); rotate the
/// master key well before that.
public enum AES256GCM {
    /// The key length in bytes.
    public static let keyByteCount = 32
    /// The nonce (IV) length in bytes.
    public static let nonceByteCount = 12
    /// The authentication tag length in bytes.
    public static let tagByteCount = 16

    /// Encrypts and authenticates `plaintext`, also authenticating (not encrypting) `aad`.
    ///
    /// - Parameters:
    ///   - nonce: 12 bytes, never reused with the same key; `nil` (the default) draws a random one.
    /// - Returns: `nonce ‖ ciphertext ‖ tag`, 28 bytes longer than `plaintext`.
    /// - Throws: ``CryptoError`` `.invalidKey` for a key that is not 32 bytes, `.invalidParameter` for a nonce
    ///   that is not 12 bytes.
    public static func seal(
        _ plaintext: some Collection<UInt8>,
        key: some Collection<UInt8>,
        nonce: [UInt8]? = nil,
        authenticating aad: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        guard key.count == keyByteCount else { throw CryptoError(.invalidKey) }
        let nonce = nonce ?? SecureRandom.bytes(nonceByteCount)
        guard nonce.count == nonceByteCount else { throw CryptoError(.invalidParameter) }
        let count = plaintext.count
        return try CryptoBytes.with(plaintext) { plaintext in
            try CryptoBytes.with(key) { key in
                try CryptoBytes.with(aad) { aad in
                    var output = [UInt8](repeating: 0, count: nonceByteCount + count + tagByteCount)
                    try output.withUnsafeMutableBytes { output in
                        nonce.withUnsafeBytes { output.copyMemory(from: $0) }
                        try run(
                            encrypt: true, key: key,
                            nonce: UnsafeRawBufferPointer(rebasing: output[..<nonceByteCount]),
                            aad: aad, input: plaintext,
                            output: UnsafeMutableRawBufferPointer(rebasing: output[nonceByteCount...])
                        )
                    }
                    return output
                }
            }
        }
    }

    /// Encrypts the UTF-8 encoding of `plaintext`; see ``seal(_:key:nonce:authenticating:)``.
    public static func seal(
        _ plaintext: String,
        key: some Collection<UInt8>,
        nonce: [UInt8]? = nil,
        authenticating aad: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        try seal(Array(plaintext.utf8), key: key, nonce: nonce, authenticating: aad)
    }

    /// Verifies and decrypts `nonce ‖ ciphertext ‖ tag` as produced by ``seal(_:key:nonce:authenticating:)``.
    ///
    /// Nothing is returned unless the tag verifies: a wrong key, wrong `aad` or any altered byte throws.
    ///
    /// - Throws: ``CryptoError`` `.authenticationFailed` when verification fails or `combined` is shorter than
    ///   28 bytes; `.invalidKey` for a key that is not 32 bytes.
    public static func open(
        _ combined: some Collection<UInt8>,
        key: some Collection<UInt8>,
        authenticating aad: some Collection<UInt8> = [UInt8]()
    ) throws -> [UInt8] {
        guard key.count == keyByteCount else { throw CryptoError(.invalidKey) }
        guard combined.count >= nonceByteCount + tagByteCount else { throw CryptoError(.authenticationFailed) }
        let count = combined.count - nonceByteCount - tagByteCount
        return try CryptoBytes.with(combined) { combined in
            try CryptoBytes.with(key) { key in
                try CryptoBytes.with(aad) { aad in
                    var output = [UInt8](repeating: 0, count: count)
                    do {
                        try output.withUnsafeMutableBytes { output in
                            try run(
                                encrypt: false, key: key,
                                nonce: UnsafeRawBufferPointer(rebasing: combined[..<nonceByteCount]),
                                aad: aad, input: UnsafeRawBufferPointer(rebasing: combined[nonceByteCount...]),
                                output: output
                            )
                        }
                    } catch {
                        // Never hand back (or leave lying around) unauthenticated plaintext.
                        output.withUnsafeMutableBytes { CryptoBytes.wipe($0) }
                        throw error
                    }
                    return output
                }
            }
        }
    }

    /// One GCM pass with the pre-fetched cipher. For encryption `input` is the plaintext and `output` has room
    /// for ciphertext ‖ tag; for decryption `input` is ciphertext ‖ tag and `output` has room for the plaintext.
    private static func run(
        encrypt: Bool,
        key: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer,
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) {
        let context = try CryptoOpenSSL.unwrap(EVP_CIPHER_CTX_new(), .openssl)
        defer { EVP_CIPHER_CTX_free(context) }  // also cleanses the expanded key schedule

        let textCount = encrypt ? input.count : input.count - tagByteCount
        let failure: CryptoError.Code = encrypt ? .openssl : .authenticationFailed
        try CryptoOpenSSL.check(
            EVP_CipherInit_ex2(context, CryptoOpenSSL.aes256GCM, bytes(key), bytes(nonce), encrypt ? 1 : 0, nil) == 1,
            .openssl
        )
        var length: Int32 = 0
        if aad.count > 0 {
            guard aad.count <= Int(Int32.max) else { throw CryptoError(.invalidParameter) }
            try CryptoOpenSSL.check(EVP_CipherUpdate(context, nil, &length, bytes(aad), Int32(aad.count)) == 1, .openssl)
        }
        if textCount > 0 {
            guard textCount <= Int(Int32.max) else { throw CryptoError(.invalidParameter) }
            try CryptoOpenSSL.check(
                EVP_CipherUpdate(context, mutableBytes(output), &length, bytes(input), Int32(textCount)) == 1
                    && Int(length) == textCount,
                failure
            )
        }
        var scratch: UInt8 = 0  // GCM's final step writes no bytes
        if encrypt {
            let tag = output.baseAddress! + textCount
            try CryptoOpenSSL.check(EVP_CipherFinal_ex(context, &scratch, &length) == 1, .openssl)
            try CryptoOpenSSL.check(
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagByteCount), tag) == 1,
                .openssl
            )
        } else {
            let tag = UnsafeMutableRawPointer(mutating: input.baseAddress! + textCount)
            try CryptoOpenSSL.check(
                EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagByteCount), tag) == 1,
                .openssl
            )
            try CryptoOpenSSL.check(EVP_CipherFinal_ex(context, &scratch, &length) == 1, .authenticationFailed)
        }
    }

    @inline(__always)
    private static func bytes(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }

    @inline(__always)
    private static func mutableBytes(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8>? {
        buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
    }
}
