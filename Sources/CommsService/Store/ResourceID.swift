import ServiceKit

/// Random public ids: a prefix (`msg_`, `tpl_`) and 20 characters of lower-case base32 (100 bits).
enum ResourceID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// A new id with `prefix`.
    static func make(_ prefix: String) -> String {
        let random = SecureRandom.bytes(20)
        return prefix + String(decoding: random.map { alphabet[Int($0 & 31)] }, as: UTF8.self)
    }

    /// Whether `text` could be an id with `prefix` (checked before any query).
    static func isWellFormed(_ text: String, prefix: String) -> Bool {
        text.hasPrefix(prefix) && text.utf8.count == prefix.utf8.count + 20
            && text.utf8.dropFirst(prefix.utf8.count).allSatisfy { alphabet.contains($0) }
    }
}
