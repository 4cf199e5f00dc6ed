internal import COpenSSL

/// HMAC-SHA-256 (RFC 2104, FIPS 198-1): keyed hashes of API-key secrets and webhook signatures.
///
/// ```swift
/// let tag = HMACSHA256.authenticationCode(for: "psk_live_…", key: pepper)
/// let ok = HMACSHA256.isValidAuthenticationCode(presented, for: body, key: webhookSecret)
/// ```
///
/// This sits on the Router's per-request path, so it is built from the SHA-256 `EVP_MD` fetched once per
/// process (two digest passes on one fresh `EVP_MD_CTX`) rather than `EVP_MAC`: `EVP_MAC_init` with a digest
/// name re-fetches SHA-256 through OpenSSL 3.0's locked method store on every call, and even duplicating a
/// pre-configured `EVP_MAC_CTX` measured about 2.5 times slower than the two plain digest passes.
public enum HMACSHA256 {
    /// The length of an HMAC-SHA-256 code in bytes.
    public static let byteCount = 32

    /// SHA-256's block size; keys longer than this are hashed first (RFC 2104 §2).
    private static let blockSize = 64

    /// Returns the 32-byte HMAC-SHA-256 of `message` under `key` (any length, including empty).
    public static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        CryptoBytes.with(message) { message in
            CryptoBytes.with(key) { key in authenticationCode(message: message, key: key) }
        }
    }

    /// Returns the 32-byte HMAC-SHA-256 of the UTF-8 encoding of `message` under `key`.
    public static func authenticationCode(for message: String, key: some Collection<UInt8>) -> [UInt8] {
        CryptoBytes.with(utf8: message) { message in
            CryptoBytes.with(key) { key in authenticationCode(message: message, key: key) }
        }
    }

    /// Returns whether `code` is the HMAC-SHA-256 of `message` under `key`, comparing in constant time.
    public static func isValidAuthenticationCode(
        _ code: some Collection<UInt8>,
        for message: some Collection<UInt8>,
        key: some Collection<UInt8>
    ) -> Bool {
        ConstantTime.equals(code, authenticationCode(for: message, key: key))
    }

    /// HMAC(K, m) = H((K' ⊕ opad) ‖ H((K' ⊕ ipad) ‖ m)), with K' the key zero-padded (or hashed) to one block.
    static func authenticationCode(message: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { fail() }
        defer { EVP_MD_CTX_free(context) }

        return withUnsafeTemporaryAllocation(byteCount: 2 * blockSize + byteCount, alignment: 16) { scratch in
            defer { CryptoBytes.wipe(scratch) }
            let inner = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<blockSize])
            let outer = UnsafeMutableRawBufferPointer(rebasing: scratch[blockSize..<(2 * blockSize)])
            let innerDigest = UnsafeMutableRawBufferPointer(rebasing: scratch[(2 * blockSize)...])

            // K' in `inner`, then the two padded keys.
            inner.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > blockSize {
                var length: UInt32 = 0
                guard EVP_Digest(key.baseAddress, key.count, byteBase(inner), &length, CryptoOpenSSL.sha256, nil) == 1
                else { fail() }
            } else if key.count > 0 {
                inner.copyMemory(from: key)
            }
            for index in 0..<blockSize {
                let byte = inner[index]
                inner[index] = byte ^ 0x36
                outer[index] = byte ^ 0x5C
            }

            digest(context, inner, UnsafeRawBufferPointer(message), into: innerDigest)
            return CryptoBytes.array(count: byteCount) { output in
                digest(context, outer, UnsafeRawBufferPointer(innerDigest), into: output)
            }
        }
    }

    /// output = SHA-256(prefix ‖ data), reusing `context`.
    private static func digest(
        _ context: OpaquePointer,
        _ prefix: UnsafeMutableRawBufferPointer,
        _ data: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) {
        var length: UInt32 = 0
        guard EVP_DigestInit_ex(context, CryptoOpenSSL.sha256, nil) == 1,
            EVP_DigestUpdate(context, prefix.baseAddress, prefix.count) == 1,
            EVP_DigestUpdate(context, data.baseAddress, data.count) == 1,
            EVP_DigestFinal_ex(context, byteBase(output), &length) == 1
        else { fail() }
    }

    @inline(__always)
    private static func byteBase(_ buffer: UnsafeMutableRawBufferPointer) -> UnsafeMutablePointer<UInt8> {
        buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    }

    /// Digest passes fail only when OpenSSL cannot allocate memory.
    private static func fail() -> Never {
        _ = CryptoOpenSSL.drainErrorQueue()
        fatalError("HMACSHA256: OpenSSL digest failed")
    }
}
