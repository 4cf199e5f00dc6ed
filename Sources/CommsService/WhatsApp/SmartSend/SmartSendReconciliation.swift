import Foundation

/// Settles a text whose earlier attempt left for the gateway with no answer recorded (the worker was killed
/// mid-call, or the call broke or timed out after it was written): the gateway may have sent it, and WhatsApp has
/// no idempotency key, so SmartSend asks the gateway (`findMessages`) before sending again. A text the instance
/// sent to the same number with the same body, no earlier than a little before the attempt left and not
/// already recorded as another message's, is this one: it is marked `sent` with that id and never sent twice.
/// When the gateway cannot answer, the message waits (and keeps its `text_at`) rather than risk a second copy.
struct SmartSendReconciliation: Sendable {
    /// How far before `leftAt` a gateway timestamp may fall (clocks on both sides; Evolution stores seconds).
    static let skew: TimeInterval = 120

    let store: WhatsAppStore

    /// The gateway id of `message`'s earlier send, or nil when the gateway has no such text (send it now).
    func earlierSend(of message: WhatsAppQueuedMessage, leftAt: Date, gateway: EvolutionClient) async throws -> String? {
        let number = String(message.to.dropFirst())
        let candidates = try await gateway.sentTexts(instance: message.instanceID, number: number)
            .filter { $0.text == message.text && $0.sentAt >= leftAt.addingTimeInterval(-Self.skew) }
        guard !candidates.isEmpty else { return nil }
        let recorded = try await store.recordedGatewayIDs(candidates.map(\.id))
        return candidates.sorted { $0.sentAt < $1.sentAt }.first { !recorded.contains($0.id) }?.id
    }
}
