internal import COpenSSL

/// The scrypt password-based key derivation function (RFC 7914) for password hashing.
///
/// ```swift
/// let salt = SecureRandom.bytes(16)
/// let hash = try Scrypt.deriveKey(password: password, salt: salt, n: 1 << 15, r: 8, p: 1, length: 32)
/// ```
///
/// Memory use is about `128 · r · (n + p + 2)` bytes (32 MiB for n = 2¹⁵, r = 8); OpenSSL's memory ceiling is
/// set to exactly what the parameters need, and parameters needing more than ``maximumMemory`` are refused.
public enum Scrypt {
    /// The largest working memory, in bytes, a derivation may use: 2 GiB, enough for n = 2²⁰ with r = 8.
    public static let maximumMemory: UInt64 = 1 << 31

    /// Derives `length` bytes from `password` and `salt`.
    ///
    /// - Parameters:
    ///   - n: the CPU/memory cost, a power of two greater than 1 and below 2^(16·r).
    ///   - r: the block size, at least 1.
    ///   - p: the parallelisation, at least 1, with `p · r < 2³⁰`.
    ///   - length: the output length in bytes, at least 1 and at most (2³² − 1) · 32; typically 32.
    /// - Throws: ``CryptoError`` `.invalidParameter` for out-of-range parameters, `.openssl` if OpenSSL fails.
    public static func deriveKey(
        password: some Collection<UInt8>,
        salt: some Collection<UInt8>,
        n: UInt64,
        r: UInt32,
        p: UInt32,
        length: Int
    ) throws -> [UInt8] {
        let memory = try requiredMemory(n: n, r: r, p: p, length: length)
        return try CryptoBytes.with(password) { password in
            try CryptoBytes.with(salt) { salt in
                try derive(password: password, salt: salt, n: n, r: r, p: p, maxMemory: memory, length: length)
            }
        }
    }

    /// Derives `length` bytes from the UTF-8 encoding of `password` and `salt`.
    public static func deriveKey(
        password: String,
        salt: some Collection<UInt8>,
        n: UInt64,
        r: UInt32,
        p: UInt32,
        length: Int
    ) throws -> [UInt8] {
        let memory = try requiredMemory(n: n, r: r, p: p, length: length)
        return try CryptoBytes.with(utf8: password) { password in
            try CryptoBytes.with(salt) { salt in
                try derive(password: password, salt: salt, n: n, r: r, p: p, maxMemory: memory, length: length)
            }
        }
    }

    /// Validates the parameters (RFC 7914 §2 and §6) and returns OpenSSL's memory need for them:
    /// 128·r·p for B plus 128·r·(n + 2) for V and XY.
    static func requiredMemory(n: UInt64, r: UInt32, p: UInt32, length: Int) throws(CryptoError) -> UInt64 {
        guard n > 1, n & (n - 1) == 0,
            r >= 1, p >= 1,
            UInt64(r) * UInt64(p) < 1 << 30,
            length >= 1, UInt64(length) <= UInt64(UInt32.max) * 32
        else { throw CryptoError(.invalidParameter) }
        // n < 2^(128·r/8) = 2^(16·r): only binding for r < 4.
        if r < 4, n.trailingZeroBitCount >= 16 * Int(r) { throw CryptoError(.invalidParameter) }

        let block = 128 * UInt64(r)
        let (v, vOverflow) = block.multipliedReportingOverflow(by: n + 2)
        let (b, bOverflow) = block.multipliedReportingOverflow(by: UInt64(p))
        let (total, totalOverflow) = v.addingReportingOverflow(b)
        guard !vOverflow, !bOverflow, !totalOverflow, total <= maximumMemory else {
            throw CryptoError(.invalidParameter)
        }
        return total
    }

    private static func derive(
        password: UnsafeRawBufferPointer,
        salt: UnsafeRawBufferPointer,
        n: UInt64,
        r: UInt32,
        p: UInt32,
        maxMemory: UInt64,
        length: Int
    ) throws(CryptoError) -> [UInt8] {
        let context = try CryptoOpenSSL.unwrap(EVP_KDF_CTX_new(CryptoOpenSSL.scrypt), .openssl)
        defer { EVP_KDF_CTX_free(context) }

        // OSSL_PARAM keeps pointers to its key names and values, so they live in static strings and in this
        // allocation until the derivation returns. An empty password or salt still needs a non-null pointer.
        let wide = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        let narrow = UnsafeMutablePointer<UInt32>.allocate(capacity: 2)
        let empty = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        defer {
            wide.deallocate()
            narrow.deallocate()
            empty.deallocate()
        }
        wide.initialize(to: n)
        (wide + 1).initialize(to: maxMemory)
        narrow.initialize(to: r)
        (narrow + 1).initialize(to: p)

        var params = [
            OSSL_PARAM_construct_octet_string(
                cString("pass"), UnsafeMutableRawPointer(mutating: password.baseAddress) ?? empty, password.count
            ),
            OSSL_PARAM_construct_octet_string(
                cString("salt"), UnsafeMutableRawPointer(mutating: salt.baseAddress) ?? empty, salt.count
            ),
            OSSL_PARAM_construct_uint64(cString("n"), wide),
            OSSL_PARAM_construct_uint32(cString("r"), narrow),
            OSSL_PARAM_construct_uint32(cString("p"), narrow + 1),
            OSSL_PARAM_construct_uint64(cString("maxmem_bytes"), wide + 1),
            OSSL_PARAM_construct_end(),
        ]
        var output = [UInt8](repeating: 0, count: length)
        let ok = output.withUnsafeMutableBufferPointer { output in
            params.withUnsafeMutableBufferPointer { params in
                EVP_KDF_derive(context, output.baseAddress, length, params.baseAddress)
            }
        }
        try CryptoOpenSSL.check(ok == 1, .openssl)
        return output
    }

    /// A C string that lives for the whole process (OSSL_PARAM stores the key pointer).
    @inline(__always)
    private static func cString(_ literal: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
