import Contracts
import ServiceKit
import Wire

/// The mesh services the Router reaches over Wire: one ``WireClient`` per configured service.
///
/// ``health()`` pings every service concurrently with the built-in `wire.Ping`, each under a deadline
/// (1 s by default), and reports `"ok"` for a server answering `serving`, else `"unavailable"` (no answer
/// in time, unreachable, TLS refused, or draining).
///
/// Inbound `email` webhooks go to CommsService as `comms.RecordDeliveryEvent` (see
/// ``deliverWebhook(source:id:body:context:)``); other sources are acknowledged without a call.
///
/// ```swift
/// let directory = try WireServiceDirectory(config: config, group: try ServiceContext.sharedEventLoopGroup())
/// let health = await directory.health()  // [("identity", "ok"), ("comms", "unavailable")]
/// ```
struct WireServiceDirectory: ServiceDirectory {
    /// The clients, in the order `health()` reports them.
    let clients: [(service: MeshService, client: WireClient)]
    /// How long one ping may take before its service counts as unavailable.
    let pingTimeout: Duration

    /// Wraps ready-made clients (tests).
    init(clients: [(service: MeshService, client: WireClient)], pingTimeout: Duration = .seconds(1)) {
        self.clients = clients
        self.pingTimeout = pingTimeout
    }

    /// One client per service in `config.wireEndpoints`, presenting the Router's mesh certificate and
    /// expecting each server's certificate to carry the service's short name; nil when none is configured.
    ///
    /// - Throws: `TLSError` when the mesh files do not load (bad PEM, key not matching the certificate).
    init?(config: RouterConfig, group: EventLoopGroup) throws {
        guard let mesh = config.mesh, !config.wireEndpoints.isEmpty else { return nil }
        let tls = try TLSContext.client(
            certificateChainPath: mesh.certificateChainPath, privateKeyPath: mesh.privateKeyPath,
            trustRootsPath: mesh.trustRootsPath)
        self.init(clients: config.wireEndpoints.map { service, endpoints in
            (service, WireClient(
                service: service.name, endpoints: endpoints, tls: tls, serverName: service.certificateName, group: group))
        })
    }

    func health() async -> [(name: String, status: String)] {
        let timeout = self.pingTimeout
        let statuses = await withTaskGroup(of: (Int, String).self) { group in
            for (index, entry) in self.clients.enumerated() {
                let client = entry.client
                group.addTask {
                    let context = CallContext(requestID: "readyz", deadline: .now + timeout)
                    let answer = try? await HealthContract.Client(client).ping(context)
                    return (index, answer?.status == "serving" ? "ok" : "unavailable")
                }
            }
            var statuses = [String](repeating: "unavailable", count: self.clients.count)
            for await (index, status) in group { statuses[index] = status }
            return statuses
        }
        return zip(self.clients, statuses).map { ($0.service.name, $1) }
    }

    /// Source `email`: parses the event (400 `VALIDATION_FAILED` for an unknown type or shape) and records it
    /// with `comms.RecordDeliveryEvent`, idempotent per webhook id. A message Comms does not know
    /// (`NOT_FOUND`) is acknowledged: a retry could not change that. The service refusing the event as
    /// invalid is that 400; anything else (Comms not configured, unreachable, draining, timing out, failing)
    /// is 503 `SERVICE_UNAVAILABLE`, so the provider retries later. Other sources: acknowledged, no call.
    func deliverWebhook(source: String, id: String, body: [UInt8], context: CallContext) async throws {
        guard source == "email" else { return }
        let event = try EmailWebhookEvent(body: body)
        guard let client = client(for: .comms) else { throw RouterError.serviceUnavailable }
        do {
            try await CommsContract.Client(client).recordDeliveryEvent(event.request(eventID: id), context)
        } catch let error as WireError where error.code == .notFound || PublicError(error)?.code == .notFound {
            return
        } catch let error as WireError where error.code == .invalidArgument {
            throw UpstreamError.routerError(error)
        } catch {
            throw RouterError.serviceUnavailable
        }
    }

    func client(for service: MeshService) -> WireClient? {
        clients.first { $0.service == service }?.client
    }

    /// Closes every client's connections.
    func close() {
        for entry in self.clients { entry.client.close() }
    }
}
