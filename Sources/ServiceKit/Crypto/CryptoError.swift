/// A failure of one of ServiceKit's cryptographic operations.
///
/// The `description` is deliberately generic: it names the ``Code`` and, for OpenSSL failures, the packed
/// OpenSSL error number, and never any key, plaintext, password or signature.
///
/// ```swift
/// do {
///     let plaintext = try AES256GCM.open(sealed, key: masterKey)
/// } catch let error as CryptoError where error.code == .authenticationFailed {
///     // wrong key, tampered ciphertext or wrong associated data
/// }
/// ```
public struct CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. The raw values are stable and may be logged or sent as error codes.
    public enum Code: Int, Sendable, Hashable, CustomStringConvertible {
        /// Key material had the wrong length or OpenSSL rejected it.
        case invalidKey = 1
        /// A signature was malformed or did not verify.
        case invalidSignature = 2
        /// An AEAD tag did not match: wrong key, wrong associated data, or tampered data.
        case authenticationFailed = 3
        /// A parameter (nonce length, scrypt cost, output length, …) is out of range.
        case invalidParameter = 4
        /// OpenSSL reported an unexpected internal failure.
        case openssl = 5

        /// The case name, e.g. `authenticationFailed`.
        public var description: String {
            switch self {
            case .invalidKey: "invalidKey"
            case .invalidSignature: "invalidSignature"
            case .authenticationFailed: "authenticationFailed"
            case .invalidParameter: "invalidParameter"
            case .openssl: "openssl"
            }
        }
    }

    /// What went wrong.
    public var code: Code

    /// The first packed OpenSSL error code (`ERR_get_error`) that accompanied the failure, or `0`.
    /// Error codes identify a library and reason only; they carry no secret.
    public var openSSLErrorCode: UInt

    /// Creates an error with `code` and, optionally, the OpenSSL error code drained from the queue.
    public init(_ code: Code, openSSLErrorCode: UInt = 0) {
        self.code = code
        self.openSSLErrorCode = openSSLErrorCode
    }

    /// Generic description to prevent accidental leakage of sensitive data.
    public var description: String {
        if self.openSSLErrorCode == 0 {
            return "CryptoError(code: \(self.code))"
        }
        let hex = String(self.openSSLErrorCode, radix: 16, uppercase: true)
        return "CryptoError(code: \(self.code), openssl: 0x\(hex))"
    }
}
