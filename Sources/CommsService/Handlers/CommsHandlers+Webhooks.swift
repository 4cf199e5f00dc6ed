import Contracts
import ServiceKit
import Wire

extension CommsHandlers {
    /// Registers the webhook endpoint methods and `comms.EmitEvent`.
    func registerWebhooks(on server: WireServer) {
        server.register(CommsContract.createWebhookEndpoint) { request, context in
            try await webhooks.create(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.listWebhookEndpoints) { request, context in
            try await store.listEndpoints(projectID: try Self.project(context), page: request)
        }
        server.register(CommsContract.getWebhookEndpoint) { request, context in
            try await webhooks.get(request.id, projectID: try Self.project(context))
        }
        server.register(CommsContract.updateWebhookEndpoint) { request, context in
            try await webhooks.update(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.deleteWebhookEndpoint) { request, context in
            try await webhooks.delete(request.id, projectID: try Self.project(context))
            return Empty()
        }
        server.register(CommsContract.rotateWebhookSecret) { request, context in
            try await webhooks.rotate(request.id, projectID: try Self.project(context))
        }
        server.register(CommsContract.listWebhookDeliveries) { request, context in
            try await webhooks.deliveries(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.replayWebhookDelivery) { request, context in
            try await webhooks.replay(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.testWebhookEndpoint) { request, context in
            try await webhooks.test(request.id, projectID: try Self.project(context))
        }
        server.register(CommsContract.emitEvent) { request, context in
            try await webhooks.emit(request, projectID: try Self.project(context))
        }
    }
}
