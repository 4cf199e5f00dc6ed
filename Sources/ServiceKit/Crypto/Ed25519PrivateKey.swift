internal import COpenSSL

/// An Ed25519 signing key (RFC 8032, "pure" EdDSA): Identity's JWT signing keys.
///
/// ```swift
/// let key = Ed25519PrivateKey()
/// let signature = try key.signature(for: Array(signingInput.utf8))   // 64 bytes
/// let jwkX = Base64URL.encode(key.publicKey.rawRepresentation)
/// ```
///
/// The `EVP_PKEY` is created once and reused by every signature; the value is cheap to copy and safe to share
/// between tasks. `description` never shows key material.
public struct Ed25519PrivateKey: Sendable, CustomStringConvertible {
    private let handle: Ed25519KeyHandle

    /// The matching verification key.
    public let publicKey: Ed25519PublicKey

    /// Generates a new key from ``SecureRandom``.
    public init() {
        var seed = SecureRandom.bytes(32)
        defer { seed.withUnsafeMutableBytes { CryptoBytes.wipe($0) } }
        do {
            try self.init(rawRepresentation: seed)
        } catch {
            fatalError("Ed25519PrivateKey: OpenSSL could not create a key from a random seed")
        }
    }

    /// Restores a key from its 32-byte seed (the RFC 8032 private key).
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` when `seed` is not 32 bytes or OpenSSL rejects it.
    public init(rawRepresentation seed: some Collection<UInt8>) throws {
        guard seed.count == 32 else { throw CryptoError(.invalidKey) }
        let key = try CryptoBytes.with(seed) { seed in
            try CryptoOpenSSL.unwrap(
                EVP_PKEY_new_raw_private_key_ex(nil, "ED25519", nil, seed.baseAddress, seed.count),
                .invalidKey
            )
        }
        self.handle = try Ed25519KeyHandle(taking: key, for: .signing)
        self.publicKey = try Ed25519PublicKey(rawRepresentation: self.handle.rawPublicKey())
    }

    /// The 32-byte seed. It is a secret: store it only encrypted (``AES256GCM``) and never log it.
    public var rawRepresentation: [UInt8] {
        do {
            return try self.handle.rawPrivateKey()
        } catch {
            fatalError("Ed25519PrivateKey: OpenSSL could not export the private key")
        }
    }

    /// Returns the 64-byte Ed25519 signature of `message` (deterministic: the same message gives the same bytes).
    ///
    /// - Throws: ``CryptoError`` `.openssl` if OpenSSL fails (allocation failure).
    public func signature(for message: some Collection<UInt8>) throws -> [UInt8] {
        try CryptoBytes.with(message) { try self.signature(bytes: $0) }
    }

    /// Returns the 64-byte Ed25519 signature of the UTF-8 encoding of `message`.
    public func signature(for message: String) throws -> [UInt8] {
        try CryptoBytes.with(utf8: message) { try self.signature(bytes: $0) }
    }

    private func signature(bytes message: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        try self.handle.withContext { context throws(CryptoError) in
            var signature = [UInt8](repeating: 0, count: 64)
            var length = 64
            let ok = signature.withUnsafeMutableBufferPointer {
                EVP_DigestSign(
                    context, $0.baseAddress, &length,
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count
                )
            }
            try CryptoOpenSSL.check(ok == 1 && length == 64, .openssl)
            return signature
        }
    }

    /// Names the public key only.
    public var description: String {
        "Ed25519PrivateKey(publicKey: \(Base64URL.encode(self.publicKey.rawRepresentation)))"
    }
}
