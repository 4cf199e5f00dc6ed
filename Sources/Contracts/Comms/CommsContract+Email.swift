import Wire
import Foundation

/// `comms.SendEmail`'s request: the REST body of `POST /v1/comms/email`, already JSON-decoded by the Router.
/// Either `templateID` (with `data`) or at least one of `text`/`html` (with `subject`).
public struct SendEmailRequest: Codable, Sendable, Hashable {
    /// Recipients, 1 to 50 addresses (`a@b` or `Name <a@b>`).
    public var to: [String]
    /// The subject (required without a template).
    public var subject: String?
    /// The plain-text body.
    public var text: String?
    /// The HTML body.
    public var html: String?
    /// A template of the project, instead of subject/text/html.
    public var templateID: String?
    /// The template's variables (scalars as strings).
    public var data: [String: String]?
    /// The sender; the project's default sender when nil.
    public var from: String?
    /// The `Reply-To` address.
    public var replyTo: String?
    /// Free labels for the project's own filtering (≤ 10, each ≤ 64 chars).
    public var tags: [String]?
    /// When to send; now when nil or past.
    public var sendAt: Date?
    /// The client's `Idempotency-Key`: the same key in a project yields the same message.
    public var idempotencyKey: String?
    /// The credit guard's reservation (`billing.Reserve`) for this message, made by the Router: Comms captures
    /// it once the message is handed to the relay and releases it when the message fails for good (or is
    /// not kept: every recipient suppressed, an idempotent repeat). Not part of the idempotency hash.
    public var reservationID: String?

    /// Creates a request.
    public init(
        to: [String], subject: String? = nil, text: String? = nil, html: String? = nil,
        templateID: String? = nil, data: [String: String]? = nil, from: String? = nil, replyTo: String? = nil,
        tags: [String]? = nil, sendAt: Date? = nil, idempotencyKey: String? = nil, reservationID: String? = nil
    ) {
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.templateID = templateID
        self.data = data
        self.from = from
        self.replyTo = replyTo
        self.tags = tags
        self.sendAt = sendAt
        self.idempotencyKey = idempotencyKey
        self.reservationID = reservationID
    }
}

/// `comms.SendTemplatedEmail`'s request: a template by name (the project's, else the built-in one).
public struct SendTemplatedEmailRequest: Codable, Sendable, Hashable {
    /// The template's name, e.g. `identity.magiclink`.
    public var template: String
    /// Recipients.
    public var to: [String]
    /// The template's variables.
    public var data: [String: String]
    /// The same key in a project yields the same message (e.g. the one-time token's id).
    public var idempotencyKey: String?

    /// Creates a request.
    public init(template: String, to: [String], data: [String: String], idempotencyKey: String? = nil) {
        self.template = template
        self.to = to
        self.data = data
        self.idempotencyKey = idempotencyKey
    }
}

/// The answer to a send: the message's id and status (`queued`, or `suppressed` when every recipient is).
public struct SendEmailResponse: Codable, Sendable, Hashable {
    /// The message id (`msg_…`).
    public var id: String
    /// The status at acceptance.
    public var status: String

    /// Creates a response.
    public init(id: String, status: String) {
        self.id = id
        self.status = status
    }
}

/// Names one message.
public struct MessageIDRequest: Codable, Sendable, Hashable {
    /// The message id.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// `comms.ListMessages`'s request.
public struct ListMessagesRequest: Codable, Sendable, Hashable {
    /// The page.
    public var page: PageQuery
    /// Only messages in this status, if set.
    public var status: String?

    /// Creates a request.
    public init(page: PageQuery, status: String? = nil) {
        self.page = page
        self.status = status
    }
}

/// A message as `GET /v1/comms/messages/{id}` shows it.
public struct MessageView: Codable, Sendable, Hashable {
    /// The message id.
    public var id: String
    /// The channel (`email`).
    public var channel: String
    /// `queued`, `sending`, `sent`, `delivered`, `failed`, `bounced`, `complained` or `suppressed`.
    public var status: String
    /// How many delivery attempts were made.
    public var attempts: Int
    /// The recipients.
    public var to: [String]
    /// The tags.
    public var tags: [String]
    /// When it was accepted.
    public var createdAt: Date
    /// When it is (or was) due.
    public var sendAt: Date
    /// What happened, oldest first (empty in lists).
    public var events: [MessageEventView]

    /// Creates a view.
    public init(
        id: String, channel: String, status: String, attempts: Int, to: [String], tags: [String],
        createdAt: Date, sendAt: Date, events: [MessageEventView]
    ) {
        self.id = id
        self.channel = channel
        self.status = status
        self.attempts = attempts
        self.to = to
        self.tags = tags
        self.createdAt = createdAt
        self.sendAt = sendAt
        self.events = events
    }
}

/// One event of a message: a status it reached and why (e.g. the SMTP server's reply).
public struct MessageEventView: Codable, Sendable, Hashable {
    /// When.
    public var at: Date
    /// The status reached.
    public var status: String
    /// Context (an SMTP reply, a provider event), never a body or a secret.
    public var detail: String?

    /// Creates an event.
    public init(at: Date, status: String, detail: String?) {
        self.at = at
        self.status = status
        self.detail = detail
    }
}

/// A verified provider event about a message (inbound `email` webhook).
public struct DeliveryEventRequest: Codable, Sendable, Hashable {
    /// The webhook id (deduplication).
    public var eventID: String
    /// `email.delivered`, `email.bounced` or `email.complained`.
    public var type: String
    /// The message id the event is about.
    public var messageID: String
    /// The recipient the event is about.
    public var email: String

    /// Creates a request.
    public init(eventID: String, type: String, messageID: String, email: String) {
        self.eventID = eventID
        self.type = type
        self.messageID = messageID
        self.email = email
    }
}
