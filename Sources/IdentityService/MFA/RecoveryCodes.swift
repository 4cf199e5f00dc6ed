import ServiceKit

/// MFA recovery codes: 10 per factor, `xxxxx-xxxxx` in lower-case base32 (50 random bits each), shown once
/// at enrollment and stored only as SHA-256 (the codes are random, so an unsalted hash suffices), single use.
///
/// ```swift
/// let codes = RecoveryCodes.generate()          // ["k3v7q-2mzxa", …]
/// let hash = RecoveryCodes.hash("K3V7Q-2MZXA ") // same as of "k3v7q-2mzxa"
/// ```
enum RecoveryCodes {
    /// Codes per factor.
    static let count = 10
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// `count` new codes.
    static func generate() -> [String] {
        (0..<count).map { _ in
            let characters = SecureRandom.bytes(10).map { alphabet[Int($0 & 31)] }
            return String(decoding: characters[0..<5], as: UTF8.self) + "-" + String(decoding: characters[5...], as: UTF8.self)
        }
    }

    /// The stored hash of `code`, after trimming and lower-casing (what a user types back may differ in case).
    static func hash(_ code: String) -> [UInt8] {
        SHA256.hash(code.trimmingWhitespace().lowercased())
    }

    /// Whether `code` has the shape of a recovery code (checked before any lookup).
    static func isWellFormed(_ code: String) -> Bool {
        let normalised = Array(code.trimmingWhitespace().lowercased().utf8)
        return normalised.count == 11 && normalised[5] == UInt8(ascii: "-")
            && normalised.enumerated().allSatisfy { $0.offset == 5 || alphabet.contains($0.element) }
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and newlines.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
