internal import COpenSSL

/// Comparisons whose running time does not depend on where two secrets differ.
///
/// ```swift
/// guard ConstantTime.equals(presentedMAC, expectedMAC) else { throw AuthError.badSignature }
/// ```
public enum ConstantTime {
    /// Returns whether `a` and `b` hold the same bytes.
    ///
    /// Collections of different lengths compare unequal at once (lengths are not secret: MACs and hashes have
    /// public, fixed sizes). For equal lengths every byte is examined (`CRYPTO_memcmp`), with no early exit.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return CryptoBytes.with(a) { a in
            CryptoBytes.with(b) { b in
                guard let left = a.baseAddress, let right = b.baseAddress, a.count > 0 else {
                    return true  // both empty
                }
                return CRYPTO_memcmp(left, right, a.count) == 0
            }
        }
    }

    /// Returns whether the UTF-8 encodings of `a` and `b` are the same bytes, in constant time for equal lengths.
    public static func equals(_ a: String, _ b: String) -> Bool {
        equals(a.utf8, b.utf8)
    }
}
