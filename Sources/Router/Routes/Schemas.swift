/// JSON Schemas of the request and response bodies, for the OpenAPI document.
enum Schemas {
    /// `{"type":"string"}`.
    static let string: JSONValue = ["type": "string"]
    /// A timestamp.
    static let timestamp: JSONValue = ["type": "string", "format": "date-time"]
    /// A nullable timestamp.
    static let optionalTimestamp: JSONValue = ["type": ["string", "null"], "format": "date-time"]
    /// An object with `properties`, all of them required unless listed in `optional`.
    static func object(_ properties: [(String, JSONValue)], optional: Set<String> = []) -> JSONValue {
        [
            "type": "object", "properties": .object(properties),
            "required": .array(properties.map(\.0).filter { !optional.contains($0) }.map(JSONValue.string)),
        ]
    }
    /// A list page of `item`.
    static func list(_ item: JSONValue) -> JSONValue {
        object([("data", ["type": "array", "items": item]), ("next_cursor", ["type": ["string", "null"]])])
    }
    /// `{"status":"ok"}`.
    static let status = object([("status", string)])
    /// A project.
    static let project = object([
        ("id", string), ("name", string), ("created_at", timestamp),
        ("rate_limit", budget), ("publishable_rate_limit", budget), ("billing_email", ["type": ["string", "null"]]),
    ])
    /// A project's budget, `null` when it has not set its own.
    static let budget: JSONValue = [
        "type": ["object", "null"], "properties": ["per_second": ["type": "number"], "burst": ["type": "integer"]],
    ]
    /// A key shown once.
    static let newKey = object(
        [("id", string), ("kind", ["type": "string", "enum": ["publishable", "secret"]]), ("key", string),
         ("replaces", string), ("old_expires_at", timestamp)], optional: ["replaces", "old_expires_at"])
    /// A key as listed (never the secret).
    static let listedKey = object([
        ("id", string), ("kind", string), ("prefix", string), ("created_at", timestamp),
        ("last_used_at", optionalTimestamp), ("expires_at", optionalTimestamp), ("revoked_at", optionalTimestamp),
    ])
    /// The contract's error body.
    static let error = object(
        [("error", string), ("message", string), ("request_id", string), ("field", string), ("retry_after", ["type": "integer"])],
        optional: ["field", "retry_after"])
}
