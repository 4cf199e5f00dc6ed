internal import COpenSSL

/// An HMAC-SHA-256 key prepared once: SHA-256 states that have already absorbed `K' ⊕ ipad` and `K' ⊕ opad`, so each
/// code costs two state copies and the message's own blocks instead of two fresh digest set-ups and two key blocks.
/// For a key used on every request (the Router's API-key pepper).
///
/// ```swift
/// let pepper = HMACSHA256.Key(Array(config.pepper.utf8))
/// let tag = pepper.authenticationCode(for: "secret part of a key")   // == HMACSHA256.authenticationCode(for:key:)
/// ```
///
/// The prepared states are only read after `init` (`EVP_MD_CTX_copy_ex` from them), so one key serves every thread.
/// They are derived from the key and wiped (freed by OpenSSL, which clears digest state) on deinit.
extension HMACSHA256 {
    public final class Key: @unchecked Sendable {
        private let inner: OpaquePointer
        private let outer: OpaquePointer

        /// Prepares `key` (any length; longer than a block is hashed first, RFC 2104 §2).
        public init(_ key: some Collection<UInt8>) {
            guard let inner = EVP_MD_CTX_new(), let outer = EVP_MD_CTX_new() else { HMACSHA256.Key.fail() }
            self.inner = inner
            self.outer = outer
            CryptoBytes.with(key) { key in
                withUnsafeTemporaryAllocation(byteCount: 128, alignment: 16) { scratch in
                    defer { CryptoBytes.wipe(scratch) }
                    let padded = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<64])
                    let pad = UnsafeMutableRawBufferPointer(rebasing: scratch[64..<128])
                    padded.initializeMemory(as: UInt8.self, repeating: 0)
                    if key.count > 64 {
                        var length: UInt32 = 0
                        guard EVP_Digest(key.baseAddress, key.count, padded.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                         &length, CryptoOpenSSL.sha256, nil) == 1
                        else { HMACSHA256.Key.fail() }
                    } else if key.count > 0 {
                        padded.copyMemory(from: key)
                    }
                    for (context, byte) in [(inner, UInt8(0x36)), (outer, UInt8(0x5C))] {
                        for index in 0..<64 { pad[index] = padded[index] ^ byte }
                        guard EVP_DigestInit_ex(context, CryptoOpenSSL.sha256, nil) == 1,
                            EVP_DigestUpdate(context, pad.baseAddress, 64) == 1
                        else { HMACSHA256.Key.fail() }
                    }
                }
            }
        }

        deinit {
            EVP_MD_CTX_free(inner)
            EVP_MD_CTX_free(outer)
        }

        /// The 32-byte HMAC-SHA-256 of the UTF-8 encoding of `message`.
        public func authenticationCode(for message: String) -> [UInt8] {
            CryptoBytes.with(utf8: message) { authenticationCode(message: $0) }
        }

        /// The 32-byte HMAC-SHA-256 of `message`.
        public func authenticationCode(for message: some Collection<UInt8>) -> [UInt8] {
            CryptoBytes.with(message) { authenticationCode(message: $0) }
        }

        private func authenticationCode(message: UnsafeRawBufferPointer) -> [UInt8] {
            guard let context = EVP_MD_CTX_new() else { HMACSHA256.Key.fail() }
            defer { EVP_MD_CTX_free(context) }
            return withUnsafeTemporaryAllocation(byteCount: HMACSHA256.byteCount, alignment: 16) { innerDigest in
                defer { CryptoBytes.wipe(innerDigest) }
                var length: UInt32 = 0
                guard EVP_MD_CTX_copy_ex(context, inner) == 1,
                    EVP_DigestUpdate(context, message.baseAddress, message.count) == 1,
                    EVP_DigestFinal_ex(context, innerDigest.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1,
                    EVP_MD_CTX_copy_ex(context, outer) == 1,
                    EVP_DigestUpdate(context, innerDigest.baseAddress, HMACSHA256.byteCount) == 1
                else { HMACSHA256.Key.fail() }
                return CryptoBytes.array(count: HMACSHA256.byteCount) { output in
                    guard EVP_DigestFinal_ex(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1
                    else { HMACSHA256.Key.fail() }
                }
            }
        }

        /// Digest steps fail only when OpenSSL cannot allocate memory.
        private static func fail() -> Never {
            _ = CryptoOpenSSL.drainErrorQueue()
            fatalError("HMACSHA256.Key: OpenSSL digest failed")
        }
    }
}
