/// JSON Schemas of the `/v1/comms/*` bodies, for the OpenAPI document.
enum CommsSchemas {
    /// The statuses a message can be in (the contract's list, also the `?status=` filter's values).
    static let statuses = ["queued", "sending", "sent", "delivered", "failed", "bounced", "complained", "suppressed"]

    private static let nullableString: JSONValue = ["type": ["string", "null"]]
    private static let strings: JSONValue = ["type": "array", "items": Schemas.string]

    /// `POST /v1/comms/email`'s body.
    static let sendEmail = Schemas.object(
        [
            ("to", ["oneOf": [
                Schemas.string,
                ["type": "array", "items": Schemas.string, "minItems": 1, "maxItems": 50],
            ]]),
            ("subject", Schemas.string), ("text", Schemas.string), ("html", Schemas.string),
            ("template_id", Schemas.string),
            ("data", ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean"]]]),
            ("from", Schemas.string), ("reply_to", Schemas.string),
            ("tags", ["type": "array", "items": ["type": "string", "minLength": 1, "maxLength": 64], "maxItems": 10]),
            ("send_at", Schemas.timestamp),
        ],
        optional: ["subject", "text", "html", "template_id", "data", "from", "reply_to", "tags", "send_at"])

    /// The answer to a send.
    static let accepted = Schemas.object([("id", Schemas.string), ("status", Schemas.string)])

    /// A message with its events.
    static let message = Schemas.object([
        ("id", Schemas.string), ("channel", Schemas.string),
        ("status", ["type": "string", "enum": .array(statuses.map(JSONValue.string))]),
        ("attempts", ["type": "integer"]), ("to", strings), ("tags", strings),
        ("created_at", Schemas.timestamp), ("send_at", Schemas.timestamp),
        ("events", ["type": "array", "items": Schemas.object([
            ("at", Schemas.timestamp), ("status", Schemas.string), ("detail", nullableString),
        ])]),
    ])

    /// `POST /v1/comms/templates`'s body.
    static let createTemplate = Schemas.object(
        [("name", ["type": "string", "minLength": 1, "maxLength": 128]), ("subject", Schemas.string),
         ("text", Schemas.string), ("html", Schemas.string)],
        optional: ["text", "html"])

    /// A template.
    static let template = Schemas.object([
        ("id", Schemas.string), ("name", Schemas.string), ("subject", Schemas.string), ("text", nullableString),
        ("html", nullableString), ("variables", strings), ("created_at", Schemas.timestamp),
    ])

    /// A suppressed address.
    static let suppression = Schemas.object([
        ("email", Schemas.string),
        ("reason", ["type": "string", "enum": ["bounced", "complained", "user_unknown", "manual"]]),
        ("created_at", Schemas.timestamp),
    ])

    /// The project's email settings (never the relay password).
    static let settings = Schemas.object([
        ("smtp_url", nullableString), ("default_from", nullableString), ("unsubscribe_url", nullableString),
    ])

    /// `PUT /v1/comms/settings`'s body: absent keeps a setting, an empty string clears it.
    static let updateSettings = Schemas.object(
        [("smtp_url", Schemas.string), ("default_from", Schemas.string), ("unsubscribe_url", Schemas.string)],
        optional: ["smtp_url", "default_from", "unsubscribe_url"])
}
