import Contracts
import Foundation
import ServiceKit
import Wire

/// The `comms.*Webhook*` methods and `comms.EmitEvent`: endpoints (secret made here, shown once, sealed at
/// rest), rotation, the delivery log, replay and test sends, and events emitted by other services. Every
/// call is scoped by its project: another project's ids are `NOT_FOUND`.
struct WebhookEndpoints: Sendable {
    /// The tables.
    let store: CommsStore
    /// Seals signing keys.
    let sealer: WebhookSecretSealer
    /// URL and events checks.
    let rules: WebhookEndpointRules
    /// The rotation overlap.
    let settings: WebhookSettings
    /// Opens the project's relay URL (its addresses are refused as endpoints).
    let relaySealer: RelaySealer
    /// Wakes this replica's workers after a commit (others wake on `NOTIFY`).
    var onDeliveries: @Sendable () -> Void = {}

    /// `comms.CreateWebhookEndpoint`.
    func create(_ request: CreateWebhookEndpointRequest, projectID: String) async throws -> WebhookEndpointWithSecret {
        try await checkURL(request.url, projectID: projectID)
        let url = request.url
        let events = try WebhookEndpointRules.validate(events: request.events)
        let description = try Self.validate(description: request.description)
        let id = ResourceID.make("we_")
        let secret = WebhookSecret.generate()
        let endpoint = StoredWebhookEndpoint(
            id: id, projectID: projectID, url: url, events: events, description: description, status: "enabled",
            secretSealed: try sealer.seal(secret, endpointID: id), alertEmail: request.alertEmail)
        return WebhookEndpointWithSecret(endpoint: try await store.insertEndpoint(endpoint), secret: secret.encoded)
    }

    /// `comms.GetWebhookEndpoint`.
    func get(_ id: String, projectID: String) async throws -> WebhookEndpointView {
        guard let endpoint = try await store.endpoint(id: id, projectID: projectID) else { throw Self.notFound }
        return endpoint
    }

    /// `comms.UpdateWebhookEndpoint`.
    func update(_ request: UpdateWebhookEndpointRequest, projectID: String) async throws -> WebhookEndpointView {
        if let status = request.status, status != "enabled", status != "disabled" {
            throw PublicError.validation("status", "status must be enabled or disabled.")
        }
        var changes = WebhookEndpointChanges(status: request.status, alertEmail: request.alertEmail)
        if let url = request.url {
            try await checkURL(url, projectID: projectID)
            changes.url = url
        }
        if let events = request.events { changes.events = try WebhookEndpointRules.validate(events: events) }
        changes.description = try Self.validate(description: request.description)
        guard let endpoint = try await store.updateEndpoint(id: request.id, projectID: projectID, changes) else {
            throw Self.notFound
        }
        return endpoint
    }

    /// `comms.DeleteWebhookEndpoint`.
    func delete(_ id: String, projectID: String) async throws {
        guard try await store.deleteEndpoint(id: id, projectID: projectID) else { throw Self.notFound }
    }

    /// `comms.RotateWebhookSecret`: the old key signs beside the new one for ``WebhookSettings/rotationOverlap``.
    func rotate(_ id: String, projectID: String) async throws -> WebhookEndpointWithSecret {
        let secret = WebhookSecret.generate()
        guard let endpoint = try await store.rotateSecret(
            id: id, projectID: projectID, sealed: try sealer.seal(secret, endpointID: id), overlap: settings.rotationOverlap)
        else { throw Self.notFound }
        return WebhookEndpointWithSecret(endpoint: endpoint, secret: secret.encoded)
    }

    /// `comms.ListWebhookDeliveries`.
    func deliveries(_ request: ListWebhookDeliveriesRequest, projectID: String) async throws -> Page<WebhookDeliveryView> {
        if let status = request.status, WebhookDeliveryStatus(rawValue: status) == nil {
            throw PublicError.validation("status", "status must be pending, succeeded or failed.")
        }
        _ = try await get(request.endpointID, projectID: projectID)
        return try await store.listDeliveries(
            endpointID: request.endpointID, projectID: projectID, status: request.status, page: request.page)
    }

    /// `comms.ReplayWebhookDelivery`: `CONFLICT` while the endpoint is disabled.
    func replay(_ request: WebhookDeliveryIDRequest, projectID: String) async throws -> WebhookDeliveryView {
        try await requireEnabled(request.endpointID, projectID: projectID)
        guard let delivery = try await store.replayDelivery(
            id: request.deliveryID, endpointID: request.endpointID, projectID: projectID)
        else { throw Self.notFound }
        onDeliveries()
        return delivery
    }

    /// `comms.TestWebhookEndpoint`: a `webhook.test` event for this endpoint alone, whatever it subscribes to.
    func test(_ id: String, projectID: String) async throws -> WebhookDeliveryView {
        try await requireEnabled(id, projectID: projectID)
        let type = WebhookEventType.webhookTest
        let event = NewWebhookEvent(
            id: ResourceID.make("evt_"), projectID: projectID, type: type,
            payload: WebhookEventPayload.body(type: type, occurredAt: Date(), dataJSON: WebhookEventPayload.data(["endpoint_id": id])))
        _ = try await store.pool.withTransaction { tx in
            try await store.recordWebhookEvent(tx, event, always: true, endpointID: id)
        }
        onDeliveries()
        guard let delivery = try await store.latestDelivery(eventID: event.id, endpointID: id, projectID: projectID) else {
            throw Self.notFound
        }
        return delivery
    }

    /// `comms.EmitEvent`: records the event and its deliveries in one transaction, once per event id.
    func emit(_ request: EmitEventRequest, projectID: String) async throws -> EmitEventResponse {
        guard request.eventID.hasPrefix("evt_"), (5...64).contains(request.eventID.utf8.count),
              request.eventID.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic
                  || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
        else { throw PublicError.validation("event_id", "The event id must be evt_ and 1 to 60 letters, digits, _ or -.") }
        guard WebhookEventPayload.isObject(request.dataJSON) else {
            throw PublicError.validation("data", "data must be one JSON object of at most 64 KiB.")
        }
        let event = NewWebhookEvent(
            id: request.eventID, projectID: projectID, type: request.type,
            payload: WebhookEventPayload.body(type: request.type, occurredAt: request.occurredAt, dataJSON: request.dataJSON))
        let made = try await store.pool.withTransaction { tx in try await store.recordWebhookEvent(tx, event, always: true) }
        if (made ?? 0) > 0 { onDeliveries() }
        return EmitEventResponse(recorded: made != nil, deliveries: made ?? 0)
    }

    /// The guard's checks, then: none of the URL's addresses may be one of the project's SMTP relay or of its
    /// own WhatsApp gateway (the other targets a project aims the platform at).
    private func checkURL(_ url: String, projectID: String) async throws {
        let addresses = try await rules.validate(url: url)
        if let sealed = try await store.settings(projectID: projectID).relaySealed,
           let relayURL = try? relaySealer.open(sealed, projectID: projectID),
           let relay = try? SMTPRelay(url: relayURL.value),
           let relayAddresses = try? await rules.outboundGuard.resolve(host: relay.host, port: relay.port) {
            try WebhookEndpointRules.refuse(addresses, sharedWith: relayAddresses, target: "SMTP relay")
        }
        let gateway = try await store.pool.query(
            "SELECT gateway_url FROM \(store.table("whatsapp_settings")) WHERE project_id = $1", [projectID])
        if let text = try gateway.first?.decode(String?.self, at: 0),
           let gatewayURL = try? HTTPClientURL(text),
           let gatewayAddresses = try? await rules.outboundGuard.resolve(host: gatewayURL.host, port: gatewayURL.port) {
            try WebhookEndpointRules.refuse(addresses, sharedWith: gatewayAddresses, target: "WhatsApp gateway")
        }
    }

    private func requireEnabled(_ id: String, projectID: String) async throws {
        guard try await get(id, projectID: projectID).status == "enabled" else {
            throw PublicError.conflict("The endpoint is disabled; enable it first.", field: "status")
        }
    }

    private static func validate(description: String?) throws -> String? {
        guard let description else { return nil }
        guard description.count <= 512, !description.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw PublicError.validation("description", "description must be at most 512 characters without control characters.") }
        return description
    }

    private static let notFound = PublicError.notFound("The webhook endpoint or delivery does not exist.")
}
