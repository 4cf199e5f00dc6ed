import Foundation
import Wire

/// The outbound webhook event types of the contract ("Outbound webhooks"). An endpoint subscribes to some of
/// them or to `*`; anything else in its `events` is `VALIDATION_FAILED`.
public enum WebhookEventType: String, CaseIterable, Codable, Sendable, Hashable {
    case emailSent = "email.sent"
    case emailDelivered = "email.delivered"
    case emailBounced = "email.bounced"
    case emailComplained = "email.complained"
    case emailFailed = "email.failed"
    case whatsappSent = "whatsapp.sent"
    case whatsappDelivered = "whatsapp.delivered"
    case whatsappRead = "whatsapp.read"
    case whatsappFailed = "whatsapp.failed"
    case whatsappInstanceHealthChanged = "whatsapp.instance.health_changed"
    case billingQuotaThreshold = "billing.quota.threshold"
    case billingCreditsLow = "billing.credits.low"
    case billingTrialEnding = "billing.trial.ending"
    case billingTrialEnded = "billing.trial.ended"
    case billingPaymentSucceeded = "billing.payment.succeeded"
    case authUserCreated = "auth.user.created"
    case webhookTest = "webhook.test"
}

/// `comms.EmitEvent`'s request: one event that happened in a project, for its webhook endpoints.
///
/// Idempotent by ``eventID``: the same id emitted twice (a caller's retry after a crash) is one event. The
/// caller makes the id (`evt_` + random, stored with the state change that caused it) so a durable caller can
/// retry until Comms answers. `dataJSON` is a JSON object of ids and states only — never message bodies,
/// tokens or secrets.
public struct EmitEventRequest: Codable, Sendable, Hashable {
    /// `evt_…`, made by the caller; the deliveries' `webhook-id`.
    public var eventID: String
    /// What happened.
    public var type: WebhookEventType
    /// When it happened (the delivery body's `timestamp`).
    public var occurredAt: Date
    /// The event's `data`: a JSON object, as text.
    public var dataJSON: String

    /// Creates a request.
    public init(eventID: String, type: WebhookEventType, occurredAt: Date, dataJSON: String) {
        self.eventID = eventID
        self.type = type
        self.occurredAt = occurredAt
        self.dataJSON = dataJSON
    }
}

/// `comms.EmitEvent`'s answer.
public struct EmitEventResponse: Codable, Sendable, Hashable {
    /// Whether this call recorded the event (`false`: the id was already known, nothing changed).
    public var recorded: Bool
    /// How many deliveries the event made (enabled endpoints subscribed to its type), when recorded.
    public var deliveries: Int

    /// Creates a response.
    public init(recorded: Bool, deliveries: Int) {
        self.recorded = recorded
        self.deliveries = deliveries
    }
}

extension CommsContract {
    /// `comms.EmitEvent`: records an event for `CallContext.projectID` and one delivery per enabled endpoint
    /// subscribed to it, in one transaction; idempotent by ``EmitEventRequest/eventID``. Called by the services
    /// that own the state change (Identity, Billing) from their own durable outboxes; Comms' own events
    /// (`email.*`, `whatsapp.*`) are written in the transaction of the change instead.
    public static let emitEvent = MethodDescriptor<EmitEventRequest, EmitEventResponse>(
        "comms.EmitEvent", allowedCallers: .only(["identity", "billing"]))
}

extension CommsContract.Client {
    /// Calls `comms.EmitEvent`.
    public func emitEvent(_ request: EmitEventRequest, _ context: CallContext) async throws -> EmitEventResponse {
        try await client.call(CommsContract.emitEvent, request, context)
    }
}
