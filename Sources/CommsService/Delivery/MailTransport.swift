import ServiceKit

/// What the outbox needs from an SMTP client: hand one envelope to a relay and say what happened.
/// ``SMTPMailTransport`` is the real one; tests may substitute their own. The outcome is the SMTP client's
/// own ``SMTPOutcome``.
protocol MailTransport: Sendable {
    /// Sends `data` from `mailFrom` to `recipients` through `relay` (the platform's when nil: a project's
    /// own relay URL, opened from its sealed form, otherwise). Never throws: every failure is an outcome.
    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> SMTPOutcome

    /// Closes pooled connections.
    func shutdown() async
}
