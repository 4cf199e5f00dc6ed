import Contracts

/// Why a message or template cannot be built: invalid input named by its REST field.
///
/// `field` is the REST contract's field (`to`, `to.3`, `from`, `reply_to`, `subject`, `text`, `html`,
/// `data.name`, `headers`, …) and `message` a human sentence. Neither ever holds the offending value, so the
/// error is safe to log and to return to the client.
///
/// ```swift
/// do { _ = try MailAddress(parsing: input, field: "reply_to") }
/// catch { throw error.publicError }   // 400 VALIDATION_FAILED {"field": "reply_to"}
/// ```
struct MailValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The REST field at fault.
    var field: String
    /// A human sentence saying what is wrong (never the offending value).
    var message: String

    /// An error for `field`.
    init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// The public error: 400 `VALIDATION_FAILED` naming ``field``.
    var publicError: PublicError { .validation(field, message) }

    var description: String { "MailValidationError(field: \(field), message: \(message))" }

    /// The same error attributed to another field (e.g. `to` → `to.3`).
    func moved(to field: String) -> MailValidationError {
        MailValidationError(field: field, message: message)
    }
}
