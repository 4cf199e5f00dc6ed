import ServiceKit

/// RFC 7636 with the `S256` method only: the verifier is 43–128 characters of `[A-Za-z0-9-._~]`, the
/// challenge `BASE64URL(SHA256(verifier))` (43 characters).
enum PKCE {
    /// A new verifier: 32 random bytes, base64url (43 characters).
    static func makeVerifier() -> String { Base64URL.encode(SecureRandom.bytes(32)) }

    /// The S256 challenge of `verifier`.
    static func challenge(for verifier: String) -> String { Base64URL.encode(SHA256.hash(verifier)) }

    /// Whether `verifier` has RFC 7636's shape.
    static func isWellFormedVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(PercentEncoding.isUnreserved)
    }

    /// Whether `challenge` is a base64url SHA-256 (43 characters, 32 bytes).
    static func isWellFormedChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Base64URL.decode(challenge)?.count == 32
    }
}
