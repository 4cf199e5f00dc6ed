import Contracts
import Foundation
import Wire

/// An inbound `email` webhook event: `{"type":"email.delivered"|"email.bounced"|"email.complained",
/// "data":{"message_id","email"}}` (other members are ignored).
///
/// ```swift
/// let event = try EmailWebhookEvent(body: request.http.body)   // 400 VALIDATION_FAILED for another shape
/// try await comms.recordDeliveryEvent(event.request(eventID: webhookID), context)
/// ```
struct EmailWebhookEvent: Sendable, Hashable {
    /// The event types CommsService records.
    static let types: Set<String> = ["email.delivered", "email.bounced", "email.complained"]

    /// One of ``types``.
    let type: String
    /// The message the event is about.
    let messageID: String
    /// The recipient the event is about.
    let email: String

    private struct Body: Decodable {
        struct Data: Decodable {
            let message_id: String
            let email: String
        }
        let type: String
        let data: Data
    }

    /// Parses `body`; 400 `VALIDATION_FAILED` naming the field for an unknown type or another shape.
    init(body: [UInt8]) throws(RouterError) {
        let parsed: Body
        do {
            parsed = try JSONDecoder().decode(Body.self, from: Data(body))
        } catch let error as DecodingError {
            throw .validation(fileprivateField(error), "The event is not an email event this Router understands.")
        } catch {
            throw .validation("body", "The event is not an email event this Router understands.")
        }
        guard Self.types.contains(parsed.type) else {
            throw .validation("type", "type must be email.delivered, email.bounced or email.complained.")
        }
        guard !parsed.data.message_id.isEmpty else {
            throw .validation("data.message_id", "data.message_id must not be empty.")
        }
        guard !parsed.data.email.isEmpty else { throw .validation("data.email", "data.email must not be empty.") }
        self.type = parsed.type
        self.messageID = parsed.data.message_id
        self.email = parsed.data.email
    }

    /// The `comms.RecordDeliveryEvent` request for this event, deduplicated by the webhook id.
    func request(eventID: String) -> DeliveryEventRequest {
        DeliveryEventRequest(eventID: eventID, type: type, messageID: messageID, email: email)
    }
}

/// The dotted path of the member a decoding error is about (`body` when there is none).
fileprivate func fileprivateField(_ error: DecodingError) -> String {
    let path: [any CodingKey]
    switch error {
    case .keyNotFound(let key, let context): path = context.codingPath + [key]
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        path = context.codingPath
    @unknown default: path = []
    }
    let field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    return field.isEmpty ? "body" : field
}
