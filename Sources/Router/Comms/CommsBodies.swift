import Contracts

/// `POST /v1/comms/templates`.
struct CreateTemplateBody: RequestBody {
    /// The longest template name.
    static let maximumNameLength = CreateTemplateRequest.maxNameLength

    var name = ""
    var subject = ""
    var text: String?
    var html: String?

    static let fields: [BodyField<Self>] = [
        .string("name", \.name, length: 1...maximumNameLength, printable: true),
        .string("subject", \.subject, length: 1...Int.max), .string("text", \.text), .string("html", \.html),
    ]
    static let rules: [BodyRule<Self>] = [
        BodyRule(schema: [("anyOf", [SendEmailContent.filled("text"), SendEmailContent.filled("html")])]) { body, prefix in
            guard !(body.text ?? "").isEmpty || !(body.html ?? "").isEmpty else {
                throw RouterError.validation(prefix + "text", "text or html is required.")
            }
        },
    ]
}

/// `PUT /v1/comms/settings`: an absent member keeps a setting, an empty string clears it.
struct CommsSettingsBody: RequestBody {
    var smtpURL: String?
    var defaultFrom: String?
    var unsubscribeURL: String?

    static let fields: [BodyField<Self>] = [
        .string("smtp_url", \.smtpURL, description: "smtp:// or smtps://user:password@host:port; empty clears it."),
        .string("default_from", \.defaultFrom, description: "A sender address; empty clears it."),
        .string("unsubscribe_url", \.unsubscribeURL, description: "An http(s) URL; empty clears it."),
    ]
}

/// The statuses a message can be in (the contract's list, also the `?status=` filter's values).
enum MessageStatuses {
    /// In the contract's order.
    static let all = MessageStatus.allCases.map(\.rawValue)
}
