/// Random public identifiers with a type prefix — `usr_…`, `ses_…`, `ott_…` — for every service's rows.
///
/// ```swift
/// let id = RandomIdentifier.make("usr")   // "usr_" + 22 base62 characters (≈ 131 bits)
/// ```
///
/// The characters are drawn uniformly from `0-9A-Za-z` (bytes ≥ 248 are rejected, so `% 62` has no bias).
public enum RandomIdentifier {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `prefix_` followed by `length` random base62 characters.
    public static func make(_ prefix: String, length: Int = 22) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(length)
        while characters.count < length {
            // 248 = 4 · 62: rejecting the bytes above keeps the draw uniform.
            for byte in SecureRandom.bytes(length + 8) where byte < 248 && characters.count < length {
                characters.append(alphabet[Int(byte) % 62])
            }
        }
        return prefix + "_" + String(decoding: characters, as: UTF8.self)
    }
}
