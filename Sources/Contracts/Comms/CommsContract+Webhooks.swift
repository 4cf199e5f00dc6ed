import Foundation
import Wire

/// `comms.CreateWebhookEndpoint`'s request: a URL and the event types it wants (`*` for all).
public struct CreateWebhookEndpointRequest: Codable, Sendable, Hashable {
    /// `https://…` (or `http://` where the platform allows it); checked against the outbound guard.
    public var url: String
    /// Event types (``WebhookEventType`` raw values) or `["*"]`.
    public var events: [String]
    /// A note for the project.
    public var description: String?
    /// Where the "endpoint disabled" email goes: the project's billing email as the Router knows it.
    public var alertEmail: String?

    /// Creates a request.
    public init(url: String, events: [String], description: String? = nil, alertEmail: String? = nil) {
        self.url = url
        self.events = events
        self.description = description
        self.alertEmail = alertEmail
    }
}

/// `comms.UpdateWebhookEndpoint`'s request: nil keeps a member.
public struct UpdateWebhookEndpointRequest: Codable, Sendable, Hashable {
    /// `we_…`.
    public var id: String
    /// A new URL.
    public var url: String?
    /// New event types.
    public var events: [String]?
    /// `enabled` or `disabled`.
    public var status: String?
    /// A new note.
    public var description: String?
    /// The project's billing email now (refreshed on every update).
    public var alertEmail: String?

    /// Creates a request.
    public init(
        id: String, url: String? = nil, events: [String]? = nil, status: String? = nil, description: String? = nil,
        alertEmail: String? = nil
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.status = status
        self.description = description
        self.alertEmail = alertEmail
    }
}

/// Names one webhook endpoint (`we_…`).
public struct WebhookEndpointIDRequest: Codable, Sendable, Hashable {
    /// The endpoint id.
    public var id: String

    /// Creates a request.
    public init(id: String) { self.id = id }
}

/// A webhook endpoint as shown (never its secret).
public struct WebhookEndpointView: Codable, Sendable, Hashable {
    /// `we_…`.
    public var id: String
    /// Where deliveries go.
    public var url: String
    /// The subscribed event types, or `["*"]`.
    public var events: [String]
    /// The project's note.
    public var description: String?
    /// `enabled` or `disabled`.
    public var status: String
    /// When it was created.
    public var createdAt: Date

    /// Creates a view.
    public init(id: String, url: String, events: [String], description: String?, status: String, createdAt: Date) {
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.status = status
        self.createdAt = createdAt
    }
}

/// An endpoint with its signing secret (`whsec_…`): the answer to a create or a rotation, the only times
/// the secret is shown.
public struct WebhookEndpointWithSecret: Codable, Sendable, Hashable {
    /// The endpoint.
    public var endpoint: WebhookEndpointView
    /// `whsec_` + base64 of the key.
    public var secret: String

    /// Creates an answer.
    public init(endpoint: WebhookEndpointView, secret: String) {
        self.endpoint = endpoint
        self.secret = secret
    }
}

/// `comms.ListWebhookDeliveries`' request.
public struct ListWebhookDeliveriesRequest: Codable, Sendable, Hashable {
    /// The endpoint.
    public var endpointID: String
    /// `pending`, `succeeded` or `failed`; nil for all.
    public var status: String?
    /// The page.
    public var page: PageQuery

    /// Creates a request.
    public init(endpointID: String, status: String? = nil, page: PageQuery = PageQuery()) {
        self.endpointID = endpointID
        self.status = status
        self.page = page
    }
}

/// Names one delivery of one endpoint.
public struct WebhookDeliveryIDRequest: Codable, Sendable, Hashable {
    /// The endpoint.
    public var endpointID: String
    /// `whd_…`.
    public var deliveryID: String

    /// Creates a request.
    public init(endpointID: String, deliveryID: String) {
        self.endpointID = endpointID
        self.deliveryID = deliveryID
    }
}

/// The states of a delivery.
public enum WebhookDeliveryStatus: String, CaseIterable, Codable, Sendable, Hashable {
    case pending, succeeded, failed
}

/// One event's delivery to one endpoint.
public struct WebhookDeliveryView: Codable, Sendable, Hashable {
    /// `whd_…`.
    public var id: String
    /// The event (`evt_…`, the `webhook-id` header).
    public var eventID: String
    /// The event type.
    public var type: String
    /// ``WebhookDeliveryStatus`` raw value.
    public var status: String
    /// Attempts made so far.
    public var attempts: Int
    /// The HTTP status of the last attempt (nil: none yet, or no answer).
    public var lastStatusCode: Int?
    /// When the next attempt is due (nil once final).
    public var nextAttemptAt: Date?
    /// When the delivery was made.
    public var createdAt: Date

    /// Creates a view.
    public init(
        id: String, eventID: String, type: String, status: String, attempts: Int, lastStatusCode: Int?,
        nextAttemptAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.eventID = eventID
        self.type = type
        self.status = status
        self.attempts = attempts
        self.lastStatusCode = lastStatusCode
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
    }
}

extension CommsContract {
    /// `comms.CreateWebhookEndpoint`: checks the URL (scheme, outbound guard) and the event types
    /// (`VALIDATION_FAILED` with `url` / `events`); answers the endpoint with its new secret.
    public static let createWebhookEndpoint = MethodDescriptor<CreateWebhookEndpointRequest, WebhookEndpointWithSecret>(
        "comms.CreateWebhookEndpoint", allowedCallers: .only(["router"]))
    /// `comms.ListWebhookEndpoints`: newest first.
    public static let listWebhookEndpoints = MethodDescriptor<PageQuery, Page<WebhookEndpointView>>(
        "comms.ListWebhookEndpoints", allowedCallers: .only(["router"]))
    /// `comms.GetWebhookEndpoint`: `NOT_FOUND` for an unknown or another project's id.
    public static let getWebhookEndpoint = MethodDescriptor<WebhookEndpointIDRequest, WebhookEndpointView>(
        "comms.GetWebhookEndpoint", allowedCallers: .only(["router"]))
    /// `comms.UpdateWebhookEndpoint`: url, events, status, description.
    public static let updateWebhookEndpoint = MethodDescriptor<UpdateWebhookEndpointRequest, WebhookEndpointView>(
        "comms.UpdateWebhookEndpoint", allowedCallers: .only(["router"]))
    /// `comms.DeleteWebhookEndpoint`: the endpoint and its deliveries.
    public static let deleteWebhookEndpoint = MethodDescriptor<WebhookEndpointIDRequest, Empty>(
        "comms.DeleteWebhookEndpoint", allowedCallers: .only(["router"]))
    /// `comms.RotateWebhookSecret`: a new secret; the old one keeps signing beside it for the overlap window.
    public static let rotateWebhookSecret = MethodDescriptor<WebhookEndpointIDRequest, WebhookEndpointWithSecret>(
        "comms.RotateWebhookSecret", allowedCallers: .only(["router"]))
    /// `comms.ListWebhookDeliveries`: the endpoint's deliveries, newest first, optionally by status.
    public static let listWebhookDeliveries = MethodDescriptor<ListWebhookDeliveriesRequest, Page<WebhookDeliveryView>>(
        "comms.ListWebhookDeliveries", allowedCallers: .only(["router"]))
    /// `comms.ReplayWebhookDelivery`: a new delivery of the same event (same `webhook-id`) to the endpoint.
    public static let replayWebhookDelivery = MethodDescriptor<WebhookDeliveryIDRequest, WebhookDeliveryView>(
        "comms.ReplayWebhookDelivery", allowedCallers: .only(["router"]))
    /// `comms.TestWebhookEndpoint`: a `webhook.test` event delivered to this endpoint only.
    public static let testWebhookEndpoint = MethodDescriptor<WebhookEndpointIDRequest, WebhookDeliveryView>(
        "comms.TestWebhookEndpoint", allowedCallers: .only(["router"]))
}

extension CommsContract.Client {
    /// Calls `comms.CreateWebhookEndpoint`.
    public func createWebhookEndpoint(
        _ request: CreateWebhookEndpointRequest, _ context: CallContext
    ) async throws -> WebhookEndpointWithSecret {
        try await client.call(CommsContract.createWebhookEndpoint, request, context)
    }
    /// Calls `comms.ListWebhookEndpoints`.
    public func listWebhookEndpoints(_ request: PageQuery, _ context: CallContext) async throws -> Page<WebhookEndpointView> {
        try await client.call(CommsContract.listWebhookEndpoints, request, context)
    }
    /// Calls `comms.GetWebhookEndpoint`.
    public func getWebhookEndpoint(_ request: WebhookEndpointIDRequest, _ context: CallContext) async throws -> WebhookEndpointView {
        try await client.call(CommsContract.getWebhookEndpoint, request, context)
    }
    /// Calls `comms.UpdateWebhookEndpoint`.
    public func updateWebhookEndpoint(
        _ request: UpdateWebhookEndpointRequest, _ context: CallContext
    ) async throws -> WebhookEndpointView {
        try await client.call(CommsContract.updateWebhookEndpoint, request, context)
    }
    /// Calls `comms.DeleteWebhookEndpoint`.
    public func deleteWebhookEndpoint(_ request: WebhookEndpointIDRequest, _ context: CallContext) async throws {
        _ = try await client.call(CommsContract.deleteWebhookEndpoint, request, context)
    }
    /// Calls `comms.RotateWebhookSecret`.
    public func rotateWebhookSecret(
        _ request: WebhookEndpointIDRequest, _ context: CallContext
    ) async throws -> WebhookEndpointWithSecret {
        try await client.call(CommsContract.rotateWebhookSecret, request, context)
    }
    /// Calls `comms.ListWebhookDeliveries`.
    public func listWebhookDeliveries(
        _ request: ListWebhookDeliveriesRequest, _ context: CallContext
    ) async throws -> Page<WebhookDeliveryView> {
        try await client.call(CommsContract.listWebhookDeliveries, request, context)
    }
    /// Calls `comms.ReplayWebhookDelivery`.
    public func replayWebhookDelivery(
        _ request: WebhookDeliveryIDRequest, _ context: CallContext
    ) async throws -> WebhookDeliveryView {
        try await client.call(CommsContract.replayWebhookDelivery, request, context)
    }
    /// Calls `comms.TestWebhookEndpoint`.
    public func testWebhookEndpoint(_ request: WebhookEndpointIDRequest, _ context: CallContext) async throws -> WebhookDeliveryView {
        try await client.call(CommsContract.testWebhookEndpoint, request, context)
    }
}
