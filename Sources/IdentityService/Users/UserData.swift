import Contracts
import Foundation
import Wire

/// The user's free-form `data`: a JSON object as text, at most 16 KiB.
enum UserData {
    /// The largest accepted `data`, in UTF-8 bytes.
    static let maximumBytes = 16 * 1024

    /// `{}` for nil; otherwise `text` itself once it is checked to be a JSON object within the size limit.
    /// - Throws: `VALIDATION_FAILED` naming the field `data`.
    static func validate(_ text: String?) throws(PublicError) -> String {
        guard let text else { return "{}" }
        guard text.utf8.count <= maximumBytes else {
            throw PublicError.validation("data", "The data must be at most \(maximumBytes) bytes.")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), object is [String: Any] else {
            throw PublicError.validation("data", "The data must be a JSON object.")
        }
        return text
    }
}
