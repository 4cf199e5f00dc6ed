import Contracts
import ServiceKit
import Wire

extension CommsHandlers {
    /// The statuses a message can have (`ListMessages`' filter).
    static let statuses: Set<String> = Set(MessageStatus.allCases.map(\.rawValue))

    /// `comms.GetMessage`.
    func getMessage(_ request: MessageIDRequest, projectID: String) async throws -> MessageView {
        guard ResourceID.isWellFormed(request.id, prefix: "msg_") else { throw PublicError.notFound("The message does not exist.") }
        if let view = try await store.messageView(id: request.id, projectID: projectID) { return view }
        if let view = try await whatsapp?.store.messageView(id: request.id, projectID: projectID) { return view }
        throw PublicError.notFound("The message does not exist.")
    }

    /// `comms.ListMessages`.
    func listMessages(_ request: ListMessagesRequest, projectID: String) async throws -> Page<MessageView> {
        if let status = request.status, !Self.statuses.contains(status) {
            throw PublicError.validation("status", "The status must be one of \(Self.statuses.sorted().joined(separator: ", ")).")
        }
        return try await store.listMessages(projectID: projectID, status: request.status, page: request.page)
    }

    /// `comms.RecordDeliveryEvent`: the message id names the project (webhooks carry no API key).
    func recordDeliveryEvent(_ request: DeliveryEventRequest) async throws -> Empty {
        let statuses = ["email.delivered": "delivered", "email.bounced": "bounced", "email.complained": "complained"]
        guard let status = statuses[request.type] else {
            throw PublicError.validation("type", "The type must be email.delivered, email.bounced or email.complained.")
        }
        guard !request.eventID.isEmpty, request.eventID.utf8.count <= 255 else {
            throw PublicError.validation("event_id", "The event id must be 1 to 255 characters.")
        }
        let email = try MailAddress(parsing: request.email, field: "email").normalizedAddress
        guard ResourceID.isWellFormed(request.messageID, prefix: "msg_") else {
            throw PublicError.notFound("The message does not exist.")
        }
        _ = try await store.recordDeliveryEvent(
            eventID: request.eventID, messageID: request.messageID, status: status, email: email,
            detail: "Provider event \(request.type) for \(email).")
        return Empty()
    }

    /// `comms.DeleteSuppression`.
    func deleteSuppression(_ request: SuppressionRequest, projectID: String) async throws -> Empty {
        guard try await store.deleteSuppression(projectID: projectID, email: request.email) else {
            throw PublicError.notFound("The address is not suppressed.")
        }
        return Empty()
    }
}
