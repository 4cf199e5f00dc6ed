import Contracts

/// JSON Schemas and REST shapes of `/v1/webhooks/endpoints*`.
enum WebhookEndpointSchemas {
    private static let eventTypes: JSONValue = [
        "type": "array", "items": ["type": "string", "enum": .array((["*"] + WebhookEventType.allCases.map(\.rawValue)).map(JSONValue.string))],
    ]

    /// An endpoint (never its secret).
    static let endpoint = Schemas.object([
        ("id", Schemas.string), ("url", Schemas.string), ("events", eventTypes), ("description", ["type": ["string", "null"]]),
        ("status", ["type": "string", "enum": ["enabled", "disabled"]]), ("created_at", Schemas.timestamp),
    ])

    /// An endpoint with its secret (create, rotate: the only times it is shown).
    static let endpointWithSecret = Schemas.object([
        ("id", Schemas.string), ("url", Schemas.string), ("events", eventTypes), ("description", ["type": ["string", "null"]]),
        ("status", ["type": "string", "enum": ["enabled", "disabled"]]), ("created_at", Schemas.timestamp),
        ("secret", Schemas.string),
    ])

    /// One delivery.
    static let delivery = Schemas.object([
        ("id", Schemas.string), ("event_id", Schemas.string), ("type", Schemas.string),
        ("status", ["type": "string", "enum": .array(WebhookDeliveryStatus.allCases.map { .string($0.rawValue) })]),
        ("attempts", ["type": "integer"]), ("last_status_code", ["type": ["integer", "null"]]),
        ("next_attempt_at", Schemas.optionalTimestamp), ("created_at", Schemas.timestamp),
    ])
}

extension WebhookEndpointView {
    /// `{"id","url","events","description","status","created_at"}`.
    var json: JSONValue {
        [
            "id": .string(id), "url": .string(url), "events": .array(events.map(JSONValue.string)),
            "description": .string(description), "status": .string(status), "created_at": .date(createdAt),
        ]
    }
}

extension WebhookEndpointWithSecret {
    /// The endpoint's members and `"secret"`.
    var json: JSONValue {
        guard case .object(let members) = endpoint.json else { return endpoint.json }
        return .object(members + [("secret", .string(secret))])
    }
}

extension WebhookDeliveryView {
    /// `{"id","event_id","type","status","attempts","last_status_code","next_attempt_at","created_at"}`.
    var json: JSONValue {
        [
            "id": .string(id), "event_id": .string(eventID), "type": .string(type), "status": .string(status),
            "attempts": .int(attempts), "last_status_code": lastStatusCode.map(JSONValue.int) ?? .null,
            "next_attempt_at": .date(nextAttemptAt), "created_at": .date(createdAt),
        ]
    }
}
