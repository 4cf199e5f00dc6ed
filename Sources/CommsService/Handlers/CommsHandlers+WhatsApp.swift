import Contracts
import ServiceKit
import Wire

extension CommsHandlers {
    /// Registers the `comms.*WhatsApp*` methods (unavailable when the channel is not built).
    func registerWhatsApp(on server: WireServer) {
        guard let whatsapp else { return }
        server.register(CommsContract.getWhatsAppSettings) { _, context in
            try await whatsapp.settingsView(projectID: try Self.project(context))
        }
        server.register(CommsContract.updateWhatsAppSettings) { request, context in
            try await whatsapp.updateSettings(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.createWhatsAppInstance) { request, context in
            try await whatsapp.createInstance(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.listWhatsAppInstances) { _, context in
            try await whatsapp.instances(projectID: try Self.project(context))
        }
        server.register(CommsContract.getWhatsAppInstance) { request, context in
            try await whatsapp.instance(id: request.id, projectID: try Self.project(context))
        }
        server.register(CommsContract.connectWhatsAppInstance) { request, context in
            try await whatsapp.connect(id: request.id, projectID: try Self.project(context))
        }
        server.register(CommsContract.deleteWhatsAppInstance) { request, context in
            try await whatsapp.deleteInstance(id: request.id, projectID: try Self.project(context))
            return Empty()
        }
        server.register(CommsContract.sendWhatsApp) { request, context in
            try await whatsapp.send(request, projectID: try Self.project(context))
        }
        server.register(CommsContract.recordWhatsAppEvent) { request, _ in
            try await WhatsAppEvents(store: whatsapp.store).record(request)
            return Empty()
        }
    }
}
