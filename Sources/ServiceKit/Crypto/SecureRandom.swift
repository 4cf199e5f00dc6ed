internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`), for keys, nonces, salts and tokens.
///
/// ```swift
/// let salt = SecureRandom.bytes(16)
/// ```
///
/// A failure of the system random generator cannot be recovered from safely, so it stops the process
/// instead of returning predictable bytes.
public enum SecureRandom {
    /// Returns `count` random bytes (`count` must not be negative).
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "SecureRandom.bytes: negative count")
        return CryptoBytes.array(count: count) { fill($0) }
    }

    /// Overwrites every byte of `buffer` with random bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let chunk = min(remaining, Int(Int32.max))
            guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(chunk)) == 1 else {
                _ = CryptoOpenSSL.drainErrorQueue()
                fatalError("SecureRandom: the system random generator failed")
            }
            base += chunk
            remaining -= chunk
        }
    }
}
