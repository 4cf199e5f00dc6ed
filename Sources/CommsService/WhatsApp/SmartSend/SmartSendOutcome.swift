import Foundation
import ServiceKit

/// What one send attempt came to.
enum SmartSendResult: Sendable, Hashable {
    /// The gateway took the text; its message id.
    case sent(String)
    /// The number asked not to be messaged (STOP/BAJA): failed, not sent.
    case suppressed
    /// The message's claim was lost (its lease passed): another worker has it.
    case lostClaim
    /// The project has no gateway configured.
    case noGateway
    /// The gateway refused or could not be reached; the text did not leave.
    case gateway(GatewayError)
    /// The text may have reached the gateway, but no answer says so: retried with its `text_at` kept, so the next
    /// attempt reconciles before sending (``SmartSendReconciliation``).
    case uncertain(GatewayError)
}

/// Applies a send's result (the contract's health rules): `sent` captures; a number not on WhatsApp, a
/// suppressed number or 24 h of waiting fail the message (released, never charged); 401/403 ban the instance
/// and move its queue; 429, or 3 gateway 5xx in a row, throttle it for an hour; anything else is retried later.
struct SmartSendOutcome: Sendable {
    let store: WhatsAppStore
    let settings: WhatsAppSettings
    let logger: Logger
    /// Where texts sent are recorded (batched with other instances').
    let batches: SmartSendBatches

    /// Records `result`; answers whether the instance may go on sending in this round.
    func apply(_ result: SmartSendResult, message: WhatsAppQueuedMessage, instance: WhatsAppInstanceRecord) async throws -> Bool {
        switch result {
        case .sent(let gatewayID):
            try await batches.deliveries.submit(SmartSendDelivery(message: message, gatewayMessageID: gatewayID))
            return true
        case .lostClaim:
            return true
        case .suppressed:
            try await store.markFailed(messageID: message.id, projectID: message.projectID, reason: "the number is suppressed (it asked to stop)")
            return true
        case .noGateway:
            try await retry(message, detail: "no WhatsApp gateway is configured", after: .seconds(60), mayHaveLeft: message.leftAt != nil)
            return false
        case .gateway(let error):
            return try await apply(error, message: message, instance: instance, mayHaveLeft: false)
        case .uncertain(let error):
            return try await apply(error, message: message, instance: instance, mayHaveLeft: true)
        }
    }

    private func apply(
        _ error: GatewayError, message: WhatsAppQueuedMessage, instance: WhatsAppInstanceRecord, mayHaveLeft: Bool
    ) async throws -> Bool {
        logger.warning("whatsapp send refused", metadata: [.messageID: .string(message.id), .errorType: .string(error.description)])
        switch error {
        case .notOnWhatsApp where !mayHaveLeft:
            try await store.markFailed(messageID: message.id, projectID: message.projectID, reason: error.description)
            return true
        case .unauthorized:
            try await store.changeHealth(instanceID: instance.id, to: "BANNED", reason: error.description)
            try await store.requeue(
                message, after: .zero, detail: error.description + "; moved to another instance", unassign: true,
                mayHaveLeft: mayHaveLeft)
            try await store.unassignQueue(instanceID: instance.id)
            return false
        case .rateLimited:
            try await throttle(instance, reason: error.description)
            try await retry(message, detail: error.description, after: .seconds(30), mayHaveLeft: mayHaveLeft)
            return false
        case .serverError:
            if try await store.countServerError(instanceID: instance.id) >= 3 {
                try await throttle(instance, reason: "3 gateway errors in a row (\(error.description))")
            }
            try await retry(message, detail: error.description, after: backoff(message), mayHaveLeft: mayHaveLeft)
            return false
        case .unknownInstance:
            try await store.setConnection(instanceID: instance.id, state: "close")
            try await retry(message, detail: error.description, after: .seconds(30), mayHaveLeft: mayHaveLeft)
            return false
        case .notOnWhatsApp, .rejected, .malformedResponse, .transport:
            try await retry(message, detail: error.description, after: backoff(message), mayHaveLeft: mayHaveLeft)
            return false
        }
    }

    private func throttle(_ instance: WhatsAppInstanceRecord, reason: String) async throws {
        try await store.changeHealth(
            instanceID: instance.id, to: "THROTTLED", reason: reason,
            throttledUntil: Date().addingTimeInterval(settings.throttleLength))
    }

    /// Queued again after `delay`, or failed when it has waited 24 h already.
    private func retry(_ message: WhatsAppQueuedMessage, detail: String, after delay: Duration, mayHaveLeft: Bool) async throws {
        if Date().timeIntervalSince(message.createdAt) >= TimeInterval(settings.maxAge.wholeMilliseconds) / 1000 {
            try await store.markFailed(messageID: message.id, projectID: message.projectID, reason: "not sent within 24 hours: " + detail)
        } else {
            try await store.requeue(message, after: delay, detail: detail, mayHaveLeft: mayHaveLeft)
        }
    }

    /// 2^attempts seconds, at most 5 minutes.
    private func backoff(_ message: WhatsAppQueuedMessage) -> Duration {
        .seconds(min(300, 1 << min(message.attempts, 9)))
    }
}
