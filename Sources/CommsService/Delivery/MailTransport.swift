import ServiceKit

/// What the outbox needs from an SMTP client: hand one envelope to a relay and say what happened.
/// ``SMTPMailTransport`` is the real one; tests may substitute their own.
protocol MailTransport: Sendable {
    /// Sends `data` from `mailFrom` to `recipients` through `relay` (the platform's when nil: a project's
    /// own relay URL, opened from its sealed form, otherwise). Never throws: every failure is an outcome.
    func send(mailFrom: String, recipients: [String], data: [UInt8], relay: Secret<String>?) async -> DeliveryOutcome

    /// Closes pooled connections.
    func shutdown() async
}

/// The result of one delivery attempt, as the outbox records it.
enum DeliveryOutcome: Sendable, Hashable {
    /// The relay accepted the message for at least one recipient; `rejected` lists the others.
    case delivered(reply: String, rejected: [DeliveryRejection])
    /// A 4xx reply, a timeout or a network failure: try again later.
    case temporaryFailure(detail: String)
    /// A 5xx reply (or a relay that cannot be used): never try again.
    case permanentFailure(detail: String, rejected: [DeliveryRejection])
}

/// One recipient the relay refused.
struct DeliveryRejection: Sendable, Hashable {
    /// The address.
    let recipient: String
    /// The server's reply, e.g. `550 5.1.1 user unknown`.
    let reply: String
    /// Whether the refusal is final (5xx).
    let isPermanent: Bool
    /// Whether the reply says the mailbox does not exist (the address is then suppressed).
    let userUnknown: Bool
}
