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
        smtpURLField,
        .string("default_from", \.defaultFrom, description: "A sender address; empty clears it."),
        .string("unsubscribe_url", \.unsubscribeURL, description: "An http(s) URL; empty clears it."),
    ]
}

extension CommsSettingsBody {
    /// The longest relay URL.
    static let maximumSMTPURLLength = 2048
    /// `smtp://` or `smtps://` (any case), or empty.
    static let smtpURLPattern = "^$|^[Ss][Mm][Tt][Pp][Ss]?://"

    /// `smtp_url`: the schema states the scheme and the length; Comms checks the rest (TLS, port 25, 465,
    /// 587 or 2525, a public address) and answers 400 `VALIDATION_FAILED` with this field.
    static let smtpURLField = BodyField<Self>.custom("smtp_url", schema: [
        "type": ["string", "null"], "maxLength": .int(maximumSMTPURLLength), "pattern": .string(smtpURLPattern),
        "description": "smtp:// or smtps://user:password@host:port with TLS (tls=starttls, the default, or implicit) on port 25, 465, 587 or 2525 of a public address; empty clears it.",
    ], required: false) { container, body, prefix in
        guard let text = try BodyField<Self>.value(String.self, container, "smtp_url", prefix, expected: "a string") else {
            return
        }
        let scheme = text.prefix(8).lowercased()
        guard text.isEmpty || scheme.hasPrefix("smtp://") || scheme.hasPrefix("smtps://") else {
            throw RouterError.validation(prefix + "smtp_url", "smtp_url must start with smtp:// or smtps://.")
        }
        guard text.schemaLength <= maximumSMTPURLLength else {
            throw RouterError.validation(prefix + "smtp_url", "smtp_url must be at most \(maximumSMTPURLLength) characters.")
        }
        body.smtpURL = text
    }
}

/// The statuses a message can be in (the contract's list, also the `?status=` filter's values).
enum MessageStatuses {
    /// In the contract's order.
    static let all = MessageStatus.allCases.map(\.rawValue)
}
