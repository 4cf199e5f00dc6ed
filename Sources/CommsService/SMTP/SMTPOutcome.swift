/// What became of one ``SMTPEnvelope``.
///
/// `detail` and `reply` hold the server's reply text (e.g. `451 4.7.1 Try again later`) or a network or
/// timeout description: never the message, the password, or AUTH exchanges.
enum SMTPOutcome: Sendable, Hashable {
    /// The relay accepted the message (`DATA` answered 2xx) for at least one recipient; `rejected` lists
    /// the recipients it refused at `RCPT`.
    case delivered(reply: String, rejected: [SMTPRejection])
    /// Try again later: a 4xx reply, a network failure or a timeout (or every recipient refused, one with 4xx).
    case temporaryFailure(detail: String)
    /// Give up: a 5xx reply to `MAIL FROM`, `DATA` or AUTH, or every recipient refused with 5xx.
    case permanentFailure(detail: String, rejected: [SMTPRejection])
}

/// A recipient the relay refused at `RCPT TO`.
struct SMTPRejection: Sendable, Hashable {
    /// The refused address, as given in the envelope.
    var recipient: String
    /// The relay's reply, e.g. `550 5.1.1 User unknown`.
    var reply: String
    /// A 5xx reply (else 4xx: it may succeed later).
    var isPermanent: Bool
    /// The mailbox does not exist (550/551/553 with 5.1.1 or 5.1.10, or a text saying so): suppress the address.
    var userUnknown: Bool

    /// Creates a rejection.
    init(recipient: String, reply: String, isPermanent: Bool, userUnknown: Bool) {
        self.recipient = recipient
        self.reply = reply
        self.isPermanent = isPermanent
        self.userUnknown = userUnknown
    }
}
