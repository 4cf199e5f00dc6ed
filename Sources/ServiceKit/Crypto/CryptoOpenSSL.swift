internal import COpenSSL

/// The one place where ServiceKit's crypto files read OpenSSL's per-thread error queue, and where the
/// algorithm implementations are fetched.
///
/// OpenSSL 3.0 takes a lock in its method store on every implicit fetch (`EVP_sha256()`-style lookups,
/// `EVP_MAC_init` with a digest name, …). Every algorithm the toolkit uses is therefore fetched exactly once,
/// lazily and thread-safely through a `static let`, and reused for the life of the process. Fetched
/// `EVP_MD`/`EVP_CIPHER`/`EVP_KDF` objects are immutable and safe to share between threads.
enum CryptoOpenSSL {
    /// SHA-256 (`EVP_MD`), used by ``SHA256`` and ``HMACSHA256``.
    nonisolated(unsafe) static let sha256: OpaquePointer = fetchOrDie(EVP_MD_fetch(nil, "SHA2-256", nil), "SHA2-256")

    /// AES-256 in GCM mode (`EVP_CIPHER`), used by ``AES256GCM``.
    nonisolated(unsafe) static let aes256GCM: OpaquePointer =
        fetchOrDie(EVP_CIPHER_fetch(nil, "AES-256-GCM", nil), "AES-256-GCM")

    /// The scrypt key-derivation function (`EVP_KDF`), used by ``Scrypt``.
    nonisolated(unsafe) static let scrypt: OpaquePointer = fetchOrDie(EVP_KDF_fetch(nil, "SCRYPT", nil), "SCRYPT")

    /// A parameter name for `OSSL_PARAM_construct_*`, which keep the pointer: a static string's bytes live for
    /// the whole process (a Swift `String` passed directly would be a temporary).
    static func parameterName(_ name: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// A missing default-provider algorithm means a broken OpenSSL installation: nothing can recover.
    private static func fetchOrDie(_ fetched: OpaquePointer?, _ name: StaticString) -> OpaquePointer {
        guard let fetched else {
            _ = drainErrorQueue()
            fatalError("OpenSSL default provider lacks the required algorithm \(name)")
        }
        return fetched
    }

    /// Empties this thread's OpenSSL error queue and returns the first (oldest) error code, or `0`.
    ///
    /// Call it right after any failing OpenSSL call, so no error is ever left behind for an unrelated later
    /// caller on the same thread to misread.
    static func drainErrorQueue() -> UInt {
        let first = ERR_get_error()
        if first != 0 {
            ERR_clear_error()
        }
        return UInt(first)
    }

    /// Whether this thread's OpenSSL error queue holds an error (tests check that none is ever left behind).
    static var hasQueuedErrors: Bool {
        ERR_peek_error() != 0
    }

    /// Returns normally when `succeeded`; otherwise drains the error queue and throws `code`.
    @inline(__always)
    static func check(_ succeeded: Bool, _ code: CryptoError.Code) throws(CryptoError) {
        if !succeeded {
            throw CryptoError(code, openSSLErrorCode: drainErrorQueue())
        }
    }

    /// Returns `pointer` when non-nil; otherwise drains the error queue and throws `code`.
    @inline(__always)
    static func unwrap(_ pointer: OpaquePointer?, _ code: CryptoError.Code) throws(CryptoError) -> OpaquePointer {
        guard let pointer else {
            throw CryptoError(code, openSSLErrorCode: drainErrorQueue())
        }
        return pointer
    }
}
