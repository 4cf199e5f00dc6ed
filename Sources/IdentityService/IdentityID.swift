import ServiceKit

/// Random identifiers with a type prefix: `usr_…`, `ses_…`, `key_…` (22 base62 characters ≈ 131 bits).
enum IdentityID {
    /// `prefix_` followed by 22 random base62 characters.
    static func make(_ prefix: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var characters: [Character] = []
        characters.reserveCapacity(22)
        while characters.count < 22 {
            // 248 = 4 · 62: rejecting the bytes above keeps the draw uniform.
            for byte in SecureRandom.bytes(32) where byte < 248 && characters.count < 22 {
                characters.append(alphabet[Int(byte) % 62])
            }
        }
        return prefix + "_" + String(characters)
    }
}
