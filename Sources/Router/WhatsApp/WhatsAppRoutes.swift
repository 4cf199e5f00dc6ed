import Contracts
import Foundation
import Wire

/// `/v1/comms/whatsapp/*` (secret key) and the gateway's events at `/v1/webhooks/inbound/whatsapp/{token}`,
/// forwarded to CommsService. Sending reserves one `whatsapp` unit with the credit guard first, as email does;
/// creating an instance reads the plan's `instances` from Billing (when configured) so Comms can hold the limit.
struct WhatsAppRoutes {
    /// CommsService's client.
    let comms: @Sendable () throws -> CommsContract.Client
    /// BillingService's client; nil when not configured (nothing metered, no plan limit).
    var billing: @Sendable () -> BillingContract.Client? = { nil }

    /// The routes.
    var routes: [Route] { [
        Route(.get, "/v1/comms/whatsapp/settings", auth: .secretKey, tag: "whatsapp",
              summary: "The project's WhatsApp gateway (never the key)",
              response: .init(status: 200, schema: WhatsAppSchemas.settings), handler: settings),
        Route(.put, "/v1/comms/whatsapp/settings", auth: .secretKey, tag: "whatsapp",
              summary: "Use the project's own Evolution API gateway (absent keeps, empty clears)",
              body: WhatsAppSettingsBody.self, response: .init(status: 200, schema: WhatsAppSchemas.settings),
              handler: updateSettings),
        Route(.post, "/v1/comms/whatsapp/instances", auth: .secretKey, tag: "whatsapp",
              summary: "Create an instance on the gateway; answers the QR or pairing code to link the phone",
              body: CreateWhatsAppInstanceBody.self, response: .init(status: 201, schema: WhatsAppSchemas.instance),
              idempotent: true, handler: createInstance),
        Route(.get, "/v1/comms/whatsapp/instances", auth: .secretKey, tag: "whatsapp", summary: "List instances",
              response: .init(status: 200, schema: Schemas.object([("data", ["type": "array", "items": WhatsAppSchemas.instance])])),
              handler: instances),
        Route(.get, "/v1/comms/whatsapp/instances/{id}", auth: .secretKey, tag: "whatsapp", summary: "An instance",
              response: .init(status: 200, schema: WhatsAppSchemas.instance), handler: instance),
        Route(.post, "/v1/comms/whatsapp/instances/{id}/connect", auth: .secretKey, tag: "whatsapp",
              summary: "A fresh QR or pairing code", response: .init(status: 200, schema: WhatsAppSchemas.instance),
              handler: connect),
        Route(.delete, "/v1/comms/whatsapp/instances/{id}", auth: .secretKey, tag: "whatsapp",
              summary: "Delete an instance; its queue moves to another healthy instance or fails",
              response: .init(status: 204, schema: nil), handler: delete),
        Route(.post, "/v1/comms/whatsapp/messages", auth: .secretKey, tag: "whatsapp",
              summary: "Queue a text for SmartSend (credit guard first)",
              body: SendWhatsAppBody.self, response: .init(status: 202, schema: WhatsAppSchemas.accepted),
              idempotent: true, handler: send),
        Route(.post, "/v1/webhooks/inbound/whatsapp/{token}", auth: .none, tag: "webhooks",
              summary: "Receive the WhatsApp gateway's events (the token is the instance's secret)",
              request: ["type": "object"], response: .init(status: 200, schema: Schemas.object([("received", ["type": "boolean"])])),
              rawBody: true, limitsByAddress: true, handler: gatewayEvent),
    ] }

    @Sendable private func settings(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        return .json(try await upstream { try await comms.call(CommsContract.getWhatsAppSettings, Empty(), context.callContext) }.json)
    }

    @Sendable private func updateSettings(_ body: WhatsAppSettingsBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let request = UpdateWhatsAppSettingsRequest(gatewayURL: body.gatewayURL, gatewayAPIKey: body.gatewayAPIKey)
        return .json(try await upstream {
            try await comms.call(CommsContract.updateWhatsAppSettings, request, context.callContext)
        }.json)
    }

    @Sendable private func createInstance(_ body: CreateWhatsAppInstanceBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        var limit: Int?
        if let billing = billing() {
            let subscription = try await upstream { try await billing.call(BillingContract.subscription, Empty(), context.callContext) }
            let catalog = try await upstream { try await billing.call(BillingContract.catalog, Empty(), context.callContext) }
            // A trial has the smallest plan's instances (Gratis: 1).
            let plan = catalog.plans.first { $0.id == subscription.plan } ?? catalog.plans.min { $0.priceCents < $1.priceCents }
            limit = plan?.instances
        }
        let request = CreateWhatsAppInstanceRequest(name: body.name, instanceLimit: limit)
        let view = try await upstream { try await comms.call(CommsContract.createWhatsAppInstance, request, context.callContext) }
        return .json(view.json, status: 201)
    }

    @Sendable private func instances(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let list = try await upstream { try await comms.call(CommsContract.listWhatsAppInstances, Empty(), context.callContext) }
        return .json(["data": .array(list.map(\.json))])
    }

    @Sendable private func instance(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WhatsAppInstanceIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.call(CommsContract.getWhatsAppInstance, id, context.callContext) }.json)
    }

    @Sendable private func connect(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WhatsAppInstanceIDRequest(id: context.parameter("id"))
        return .json(try await upstream { try await comms.call(CommsContract.connectWhatsAppInstance, id, context.callContext) }.json)
    }

    @Sendable private func delete(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let id = WhatsAppInstanceIDRequest(id: context.parameter("id"))
        _ = try await upstream { try await comms.call(CommsContract.deleteWhatsAppInstance, id, context.callContext) }
        return .noContent
    }

    /// The credit guard first (one `whatsapp` unit; 402 before anything is queued), then the queue commit with
    /// the reservation and the `Idempotency-Key` in it (Comms keeps the key too, as for email, so concurrent
    /// repeats make one text); a send Comms refuses gives the reservation back.
    @Sendable private func send(_ body: SendWhatsAppBody, _ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let guardrail = CreditGuard(billing: billing())
        var request = SendWhatsAppRequest(
            to: body.to, text: body.text, instanceID: body.instanceID, priority: body.priority,
            idempotencyKey: context.request.headers["Idempotency-Key"])
        request.reservationID = try await guardrail.reserve(meter: "whatsapp", units: 1, context)
        let accepted = try await guardrail.settlingOnRefusal(request.reservationID, context) {
            try await upstream { try await comms.call(CommsContract.sendWhatsApp, request, context.callContext) }
        }
        return .json(
            ["id": .string(accepted.id), "status": .string(accepted.status), "instance_id": .string(accepted.instanceID)],
            status: 202)
    }

    /// Acknowledged 200 once Comms recorded it (idempotent there); an unknown token is 401 `INVALID_SIGNATURE`.
    @Sendable private func gatewayEvent(_ context: RequestContext) async throws -> RouteResponse {
        let comms = try comms()
        let request = WhatsAppEventRequest(token: context.parameter("token"), body: context.request.body)
        let call = CallContext(requestID: context.requestID, deadline: context.deadline)
        _ = try await upstream { try await comms.call(CommsContract.recordWhatsAppEvent, request, call) }
        return .json(["received": true])
    }
}
