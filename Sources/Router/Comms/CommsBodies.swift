/// `POST /v1/comms/templates`.
struct CreateTemplateBody: RequestBody {
    /// The longest template name.
    static let maximumNameLength = 128

    var name = ""
    var subject = ""
    var text: String?
    var html: String?

    static let fields: [BodyField<Self>] = [
        .string("name", \.name, length: 1...maximumNameLength), .string("subject", \.subject),
        .string("text", \.text), .string("html", \.html),
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
    static let all = ["queued", "sending", "sent", "delivered", "failed", "bounced", "complained", "suppressed"]
}
