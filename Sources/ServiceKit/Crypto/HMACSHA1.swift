internal import COpenSSL

/// HMAC-SHA-1 (RFC 2104), for TOTP (RFC 6238) only: authenticator apps compute one-time codes with it.
///
/// ```swift
/// let mac = HMACSHA1.authenticationCode(for: counterBytes, key: secret)   // 20 bytes
/// ```
///
/// SHA-1's collision weakness does not reach HMAC-SHA-1 as a PRF, which is what TOTP needs; nothing else in
/// the mesh should use it (``HMACSHA256`` is the default). Off any hot path, so OpenSSL's one-shot `EVP_Q_mac`
/// (which fetches the algorithm on each call) is simple and fast enough.
public enum HMACSHA1 {
    /// The length of an HMAC-SHA-1 code in bytes.
    public static let byteCount = 20

    /// Returns the 20-byte HMAC-SHA-1 of `message` under `key` (any length).
    public static func authenticationCode(for message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        CryptoBytes.with(message) { message in
            CryptoBytes.with(key) { key in
                CryptoBytes.array(count: byteCount) { output in
                    var length = 0
                    let result = EVP_Q_mac(
                        nil, "HMAC", nil, "SHA1", nil, key.baseAddress, key.count,
                        message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                        output.baseAddress!.assumingMemoryBound(to: UInt8.self), byteCount, &length)
                    guard result != nil, length == byteCount else {
                        _ = CryptoOpenSSL.drainErrorQueue()
                        fatalError("HMACSHA1: OpenSSL MAC failed")
                    }
                }
            }
        }
    }
}
