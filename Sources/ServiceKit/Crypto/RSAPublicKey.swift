internal import COpenSSL

/// An RSA verification key for RSASSA-PKCS1-v1_5 with SHA-256 (JWS `RS256`): an OpenID provider's ID-token
/// key, built from its JWK's `n` and `e`.
///
/// ```swift
/// let key = try RSAPublicKey(modulus: Base64URL.decode(jwk.n)!, exponent: Base64URL.decode(jwk.e)!)
/// guard key.isValidSHA256Signature(signature, for: Array(signingInput.utf8)) else { throw … }
/// ```
///
/// Moduli of 2048 to 8192 bits only (RFC 7518 §3.3 asks for at least 2048).
public struct RSAPublicKey: Sendable, CustomStringConvertible {
    private let handle: VerificationKeyHandle

    /// The modulus size in bits.
    public let bits: Int

    /// Creates a key from the big-endian modulus and public exponent (the JWK's `n` and `e`, decoded).
    ///
    /// - Throws: ``CryptoError`` `.invalidKey` for a modulus outside 2048–8192 bits, an even or tiny
    ///   exponent, or what OpenSSL refuses.
    public init(modulus: [UInt8], exponent: [UInt8]) throws {
        let n = Array(modulus.drop(while: { $0 == 0 }))
        let e = Array(exponent.drop(while: { $0 == 0 }))
        guard (256...1024).contains(n.count), !e.isEmpty, e.count <= 8, e.last! & 1 == 1, e != [1]
        else { throw CryptoError(.invalidKey) }
        // OSSL_PARAM big numbers are in native byte order.
        var nativeN = Self.native(n)
        var nativeE = Self.native(e)
        let handle = try nativeN.withUnsafeMutableBytes { nBytes throws -> VerificationKeyHandle in
            try nativeE.withUnsafeMutableBytes { eBytes throws -> VerificationKeyHandle in
                var parameters = [
                    OSSL_PARAM_construct_BN(CryptoOpenSSL.parameterName("n"), nBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), nBytes.count),
                    OSSL_PARAM_construct_BN(CryptoOpenSSL.parameterName("e"), eBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), eBytes.count),
                    OSSL_PARAM_construct_end(),
                ]
                return try VerificationKeyHandle.fromData(type: "RSA", &parameters)
            }
        }
        self.handle = handle
        self.bits = Int(EVP_PKEY_get_bits(handle.key))
        guard (2048...8192).contains(bits) else { throw CryptoError(.invalidKey) }
    }

    /// Whether `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `message` by this key.
    public func isValidSHA256Signature(_ signature: [UInt8], for message: some Collection<UInt8>) -> Bool {
        guard signature.count == (bits + 7) / 8 else { return false }
        return handle.verifySHA256(signature, message: message)
    }

    /// Names the size only.
    public var description: String { "RSAPublicKey(bits: \(bits))" }

    private static func native(_ bigEndian: [UInt8]) -> [UInt8] {
        #if _endian(little)
        return bigEndian.reversed()
        #else
        return bigEndian
        #endif
    }
}
