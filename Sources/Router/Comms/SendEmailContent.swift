import Wire

/// What a message says: either a `template_id` (and no `text` or `html`), or a non-empty `subject` with a
/// non-empty `text` and/or `html`. The check and its `anyOf` schema, declared together.
enum SendEmailContent {
    /// A present, non-empty string member.
    static func filled(_ name: String) -> JSONValue {
        ["required": [.string(name)], "properties": .object([(name, ["type": "string", "minLength": 1] as JSONValue)])]
    }

    /// A present string member (a `null` counts as absent).
    private static func given(_ name: String) -> JSONValue {
        ["required": [.string(name)], "properties": .object([(name, ["type": "string"] as JSONValue)])]
    }

    /// The rule.
    static let rule = BodyRule<SendEmailBody>(schema: [("anyOf", [
        ["allOf": [given("template_id"), ["not": ["anyOf": [given("text"), given("html")]]]]],
        ["allOf": [
            ["not": given("template_id")], filled("subject"), ["anyOf": [filled("text"), filled("html")]],
        ]],
    ])]) { body, prefix in
        if body.templateID != nil {
            guard body.text == nil, body.html == nil else {
                throw RouterError.validation(prefix + "template_id", "Send either template_id or text/html, not both.")
            }
        } else {
            guard let subject = body.subject, !subject.isEmpty else {
                throw RouterError.validation(prefix + "subject", "subject is required unless template_id is given.")
            }
            guard !(body.text ?? "").isEmpty || !(body.html ?? "").isEmpty else {
                throw RouterError.validation(prefix + "text", "text or html is required unless template_id is given.")
            }
        }
    }
}
