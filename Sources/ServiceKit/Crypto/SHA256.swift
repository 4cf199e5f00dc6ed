internal import COpenSSL

/// SHA-256 (FIPS 180-4) over OpenSSL's SHA2-256, fetched once per process.
///
/// ```swift
/// let digest = SHA256.hash("abc")  // 32 bytes: ba7816bf…f20015ad
/// ```
public enum SHA256 {
    /// The length of a SHA-256 digest in bytes.
    public static let byteCount = 32

    /// Returns the 32-byte SHA-256 digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        CryptoBytes.with(data) { hash(bytes: $0) }
    }

    /// Returns the 32-byte SHA-256 digest of the UTF-8 encoding of `string`.
    public static func hash(_ string: String) -> [UInt8] {
        CryptoBytes.with(utf8: string) { hash(bytes: $0) }
    }

    /// One-shot digest with the pre-fetched `EVP_MD`; no algorithm lookup per call.
    static func hash(bytes: UnsafeRawBufferPointer) -> [UInt8] {
        CryptoBytes.array(count: byteCount) { output in
            var length: UInt32 = 0
            let ok = EVP_Digest(
                bytes.baseAddress, bytes.count,
                output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length,
                CryptoOpenSSL.sha256, nil
            )
            guard ok == 1, length == UInt32(byteCount) else {
                _ = CryptoOpenSSL.drainErrorQueue()
                fatalError("SHA256: OpenSSL digest failed")
            }
        }
    }
}
