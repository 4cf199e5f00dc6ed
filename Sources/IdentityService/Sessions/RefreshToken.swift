import ServiceKit

/// An opaque refresh token: 32 random bytes as base64url (43 characters). Only its SHA-256 is stored;
/// it is high-entropy, so no KDF is needed.
struct RefreshToken: Sendable, Hashable {
    /// The token as handed to the client (never logged).
    let text: String

    /// Draws a new token.
    static func generate() -> RefreshToken {
        RefreshToken(text: Base64URL.encode(SecureRandom.bytes(32)))
    }

    /// The stored lookup key: SHA-256 of the token's text.
    var hash: [UInt8] { SHA256.hash(text) }

    /// Whether `text` has the shape of a token (43 base64url characters); others are refused before any query.
    static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(text)?.count == 32
    }
}
