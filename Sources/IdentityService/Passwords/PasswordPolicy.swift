import Contracts
import Wire

/// The contract's password bounds: at least 8 characters, at most 1024 bytes (UTF-8).
enum PasswordPolicy {
    /// The fewest characters (grapheme clusters).
    static let minimumCharacters = 8
    /// The most UTF-8 bytes.
    static let maximumBytes = 1024

    /// - Throws: `VALIDATION_FAILED` naming the field `password`.
    static func validate(_ password: String) throws(PublicError) {
        guard password.utf8.count <= maximumBytes else {
            throw PublicError.validation("password", "The password must be at most \(maximumBytes) bytes.")
        }
        guard password.count >= minimumCharacters else {
            throw PublicError.validation("password", "The password must have at least \(minimumCharacters) characters.")
        }
    }
}
