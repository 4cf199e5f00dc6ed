import Contracts
import Foundation

/// The body every delivery of an event carries, made once when the event is recorded so every try (and a
/// replay) sends the same bytes: `{"type":"email.sent","timestamp":"2026-…Z","data":{…}}`.
enum WebhookEventPayload {
    /// The body for `type` at `occurredAt` with `dataJSON` (a JSON object as text, already checked).
    static func body(type: WebhookEventType, occurredAt: Date, dataJSON: String) -> String {
        "{\"type\":\"\(type.rawValue)\",\"timestamp\":\"\(timestamp(occurredAt))\",\"data\":\(dataJSON)}"
    }

    /// `data` from string members (ids and states), encoded with sorted keys.
    static func data(_ members: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(members)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Whether `text` is one JSON object of at most 64 KiB (what `comms.EmitEvent` accepts as `data`).
    static func isObject(_ text: String) -> Bool {
        guard text.utf8.count <= 65_536,
              let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        else { return false }
        return value is [String: Any]
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }
}
