/// JSON Schemas of the `/v1/comms/*` responses, for the OpenAPI document (request bodies are described by
/// their ``RequestBody`` types).
enum CommsSchemas {
    private static let nullableString: JSONValue = ["type": ["string", "null"]]
    private static let strings: JSONValue = ["type": "array", "items": Schemas.string]

    /// The answer to a send.
    static let accepted = Schemas.object([("id", Schemas.string), ("status", Schemas.string)])

    /// A message with its events.
    static let message = Schemas.object([
        ("id", Schemas.string), ("channel", Schemas.string),
        ("status", ["type": "string", "enum": .array(MessageStatuses.all.map(JSONValue.string))]),
        ("attempts", ["type": "integer"]), ("to", strings), ("tags", strings),
        ("created_at", Schemas.timestamp), ("send_at", Schemas.timestamp),
        ("events", ["type": "array", "items": Schemas.object([
            ("at", Schemas.timestamp), ("status", Schemas.string), ("detail", nullableString),
        ])]),
    ])

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

}
