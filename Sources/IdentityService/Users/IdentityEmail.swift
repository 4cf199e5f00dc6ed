import Contracts
import Foundation
import Wire

/// Email addresses as identity keys: trimmed, lower-cased, and checked for a plausible shape.
enum IdentityEmail {
    /// The longest address accepted, in bytes (RFC 5321's path limit).
    static let maximumLength = 254

    /// Trims whitespace, lower-cases, and validates `raw` (one `@`, a non-empty local part, a domain with
    /// a dot and no empty label, no spaces or control characters, at most 254 bytes).
    /// - Throws: `VALIDATION_FAILED` naming the field `email`.
    static func normalize(_ raw: String) throws(PublicError) -> String {
        let email = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard fileprivateIsPlausible(email) else {
            throw PublicError.validation("email", "The email address is not valid.")
        }
        return email
    }
}

/// A deliberately loose check: what a mail server will accept is decided by the confirmation mail, not here.
fileprivate func fileprivateIsPlausible(_ email: String) -> Bool {
    guard !email.isEmpty, email.utf8.count <= IdentityEmail.maximumLength else { return false }
    let parts = email.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return false }
    let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
    guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return false }
    return email.unicodeScalars.allSatisfy { scalar in
        !scalar.properties.isWhitespace && !(scalar.value < 0x20 || scalar.value == 0x7f)
            && !"<>()[]\\,;:\"".unicodeScalars.contains(scalar)
    }
}
