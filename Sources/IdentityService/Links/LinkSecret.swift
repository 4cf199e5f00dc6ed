import ServiceKit

/// A one-time link's secrets: a token of 32 random bytes (base64url, 43 characters) and a 6-digit code.
/// Only ``tokenHash`` and the code's keyed hash are stored; the clear values exist only in the email.
struct LinkSecret: Sendable {
    /// The token for the link (never logged).
    let token: String
    /// The 6-digit code (never logged).
    let code: String
    /// The random per-row salt that keys the code's hash.
    let codeSalt: [UInt8]

    /// Draws fresh secrets.
    static func generate() -> LinkSecret {
        LinkSecret(token: Base64URL.encode(SecureRandom.bytes(32)), code: randomCode(), codeSalt: SecureRandom.bytes(32))
    }

    /// The stored lookup key of ``token``.
    var tokenHash: [UInt8] { Self.tokenHash(token) }

    /// SHA-256 of a token's text (high entropy, so no KDF is needed).
    static func tokenHash(_ token: String) -> [UInt8] {
        SHA256.hash(token)
    }

    /// Whether `text` has a token's shape (43 base64url characters of 32 bytes); others are refused unread.
    static func isWellFormedToken(_ text: String) -> Bool {
        text.utf8.count == 43 && Base64URL.decode(text)?.count == 32
    }

    /// Whether `text` is exactly six ASCII digits.
    static func isWellFormedCode(_ text: String) -> Bool {
        text.utf8.count == 6 && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// HMAC-SHA256 of the code keyed by the row's salt, itself keyed by the service's optional `key`: a
    /// stolen table alone then cannot be searched through the 10^6 codes.
    static func codeHash(code: String, salt: [UInt8], key: [UInt8]?) -> [UInt8] {
        let rowKey = key.map { HMACSHA256.authenticationCode(for: salt, key: $0) } ?? salt
        return HMACSHA256.authenticationCode(for: code, key: rowKey)
    }

    /// A uniform 6-digit code (rejection sampling over 32-bit draws).
    static func randomCode() -> String {
        let limit = UInt32.max - UInt32.max % 1_000_000  // draws at or above are rejected: no modulo bias
        while true {
            let bytes = SecureRandom.bytes(4)
            let value = bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if value < limit {
                let digits = String(value % 1_000_000)
                return String(repeating: "0", count: 6 - digits.count) + digits
            }
        }
    }
}
