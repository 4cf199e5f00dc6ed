import Wire
import Foundation

/// `comms.CreateTemplate`'s request: `{{variable}}` placeholders in every part (HTML-escaped in `html`).
public struct CreateTemplateRequest: Codable, Sendable, Hashable {
    /// The name, unique in the project (1–128 chars).
    public var name: String
    /// The subject.
    public var subject: String
    /// The plain-text body.
    public var text: String?
    /// The HTML body.
    public var html: String?

    /// Creates a request.
    public init(name: String, subject: String, text: String? = nil, html: String? = nil) {
        self.name = name
        self.subject = subject
        self.text = text
        self.html = html
    }
}

/// A stored template.
public struct TemplateView: Codable, Sendable, Hashable {
    /// The template id (`tpl_…`).
    public var id: String
    /// The name.
    public var name: String
    /// The subject.
    public var subject: String
    /// The plain-text body.
    public var text: String?
    /// The HTML body.
    public var html: String?
    /// The variables the template uses, sorted.
    public var variables: [String]
    /// When it was created.
    public var createdAt: Date

    /// Creates a view.
    public init(
        id: String, name: String, subject: String, text: String?, html: String?, variables: [String],
        createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.subject = subject
        self.text = text
        self.html = html
        self.variables = variables
        self.createdAt = createdAt
    }
}

/// Names one suppressed address.
public struct SuppressionRequest: Codable, Sendable, Hashable {
    /// The address.
    public var email: String

    /// Creates a request.
    public init(email: String) { self.email = email }
}

/// A suppressed address.
public struct SuppressionView: Codable, Sendable, Hashable {
    /// The address (lower-cased).
    public var email: String
    /// `bounced`, `complained`, `user_unknown` or `manual`.
    public var reason: String
    /// When it was added.
    public var createdAt: Date

    /// Creates a view.
    public init(email: String, reason: String, createdAt: Date) {
        self.email = email
        self.reason = reason
        self.createdAt = createdAt
    }
}

/// A project's email settings as shown (the relay without its password).
public struct CommsSettingsView: Codable, Sendable, Hashable {
    /// The relay as `smtp://user@host:port?tls=…` (no password), or nil for the platform's relay.
    public var smtpURL: String?
    /// The default sender.
    public var defaultFrom: String?
    /// The unsubscribe URL (enables `List-Unsubscribe` and RFC 8058 one-click).
    public var unsubscribeURL: String?

    /// Creates a view.
    public init(smtpURL: String?, defaultFrom: String?, unsubscribeURL: String?) {
        self.smtpURL = smtpURL
        self.defaultFrom = defaultFrom
        self.unsubscribeURL = unsubscribeURL
    }
}

/// `comms.UpdateSettings`'s request: nil keeps a setting, an empty string clears it.
public struct UpdateCommsSettingsRequest: Codable, Sendable, Hashable {
    /// The project's own relay (`smtp://user:pass@host:port?tls=starttls|implicit|none`).
    public var smtpURL: String?
    /// The default sender.
    public var defaultFrom: String?
    /// The unsubscribe URL.
    public var unsubscribeURL: String?

    /// Creates a request.
    public init(smtpURL: String? = nil, defaultFrom: String? = nil, unsubscribeURL: String? = nil) {
        self.smtpURL = smtpURL
        self.defaultFrom = defaultFrom
        self.unsubscribeURL = unsubscribeURL
    }
}
