import Testing
@testable import ServiceKit

/// Failing operations must drain OpenSSL's per-thread error queue, or a later, unrelated caller on the same
/// thread would read a stale error.
@Suite("Crypto error queue")
struct CryptoErrorQueueTests {
    @Test func failedOpenLeavesNoError() throws {
        let key = SecureRandom.bytes(32)
        var sealed = try AES256GCM.seal("secret", key: key)
        sealed[sealed.count - 1] ^= 1
        #expect(throws: CryptoError.self) { try AES256GCM.open(sealed, key: key) }
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }

    @Test func failedVerifyLeavesNoError() throws {
        let key = Ed25519PrivateKey()
        var signature = try key.signature(for: "m")
        signature[0] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: "m"))
        let notAPoint = try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 0xFF, count: 32))
        #expect(!notAPoint.isValidSignature(signature, for: "m"))
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }

    @Test func drainReturnsTheFirstCode() {
        #expect(CryptoOpenSSL.drainErrorQueue() == 0)
        #expect(throws: CryptoError(.invalidParameter)) {
            try Scrypt.deriveKey(password: "pw", salt: [UInt8](), n: 3, r: 8, p: 1, length: 32)
        }
        #expect(!CryptoOpenSSL.hasQueuedErrors)
    }
}
