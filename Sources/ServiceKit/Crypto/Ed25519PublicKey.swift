internal import COpenSSL

/// An Ed25519 verification key (RFC 8032): checks JWT signatures in the Router, published in JWKS as `x`.
///
/// ```swift
/// let key = try Ed25519PublicKey(rawRepresentation: Base64URL.decode(jwk.x) ?? [])
/// guard key.isValidSignature(signature, for: Array(signingInput.utf8)) else { throw … }
/// ```
///
/// The `EVP_PKEY` is created once and reused by every verification; equality compares the raw bytes.
public struct Ed25519PublicKey: Sendable, Hashable, CustomStringConvertible {
    private let handle: Ed25519KeyHandle

    /// The 32-byte encoded point (the JWK `x` member, before base64url).
    public let rawRepresentation: [UInt8]

    /// Creates a key from its 32-byte encoding.
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when `rawRepresentation` is not 32 bytes or OpenSSL rejects it.
    ///   OpenSSL does not decode the point here: a 32-byte string that is not a valid point is accepted and
    ///   then fails every verification.
    public init(rawRepresentation: some Collection<UInt8>) throws {
        guard rawRepresentation.count == 32 else { throw CryptoError(.invalidKey) }
        let bytes = Array(rawRepresentation)
        let key = try bytes.withUnsafeBytes { raw in
            try CryptoOpenSSL.unwrap(
                EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, raw.baseAddress, raw.count),
                .invalidKey
            )
        }
        self.handle = try Ed25519KeyHandle(taking: key, for: .verifying)
        self.rawRepresentation = bytes
    }

    /// Returns whether `signature` is a valid Ed25519 signature of `message` by this key.
    /// Any malformed input (wrong length, bad point, non-canonical S) simply returns `false`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: some Collection<UInt8>) -> Bool {
        guard signature.count == 64 else { return false }
        return CryptoBytes.with(signature) { signature in
            CryptoBytes.with(message) { message in self.isValid(signature: signature, message: message) }
        }
    }

    /// Returns whether `signature` is a valid Ed25519 signature of the UTF-8 encoding of `message`.
    public func isValidSignature(_ signature: some Collection<UInt8>, for message: String) -> Bool {
        guard signature.count == 64 else { return false }
        return CryptoBytes.with(signature) { signature in
            CryptoBytes.with(utf8: message) { message in self.isValid(signature: signature, message: message) }
        }
    }

    private func isValid(signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> Bool {
        let result = try? self.handle.withContext { context throws(CryptoError) in
            EVP_DigestVerify(
                context,
                signature.baseAddress?.assumingMemoryBound(to: UInt8.self), signature.count,
                message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count
            )
        }
        guard result == 1 else {
            // A bad signature leaves a reason on the error queue: never leave it behind.
            _ = CryptoOpenSSL.drainErrorQueue()
            return false
        }
        return true
    }

    /// Keys are equal when their 32-byte encodings are.
    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    /// Hashes the 32-byte encoding.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.rawRepresentation)
    }

    /// The base64url encoding of the key (public, safe to log).
    public var description: String {
        "Ed25519PublicKey(\(Base64URL.encode(self.rawRepresentation)))"
    }
}
