import Contracts
import Wire

// The REST shapes of CommsService's views: snake_case members, RFC 3339 UTC timestamps, nulls kept.

extension MessageView {
    /// `{"id","channel","status","attempts","to","tags","created_at","send_at","events":[…]}`.
    var json: JSONValue {
        [
            "id": .string(id), "channel": .string(channel), "status": .string(status), "attempts": .int(attempts),
            "to": .array(to.map(JSONValue.string)), "tags": .array(tags.map(JSONValue.string)),
            "created_at": .date(createdAt), "send_at": .date(sendAt), "events": .array(events.map(\.json)),
        ]
    }
}

extension MessageEventView {
    /// `{"at","status","detail"}`.
    var json: JSONValue {
        ["at": .date(at), "status": .string(status), "detail": .string(detail)]
    }
}

extension TemplateView {
    /// `{"id","name","subject","text","html","variables","created_at"}`.
    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name), "subject": .string(subject), "text": .string(text),
            "html": .string(html), "variables": .array(variables.map(JSONValue.string)),
            "created_at": .date(createdAt),
        ]
    }
}

extension SuppressionView {
    /// `{"email","reason","created_at"}`.
    var json: JSONValue {
        ["email": .string(email), "reason": .string(reason), "created_at": .date(createdAt)]
    }
}

extension CommsSettingsView {
    /// `{"smtp_url","default_from","unsubscribe_url"}` (the relay never carries its password).
    var json: JSONValue {
        ["smtp_url": .string(smtpURL), "default_from": .string(defaultFrom), "unsubscribe_url": .string(unsubscribeURL)]
    }
}
