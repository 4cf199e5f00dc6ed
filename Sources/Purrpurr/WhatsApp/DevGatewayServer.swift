import Foundation
import ServiceKit
import Wire

/// The development WhatsApp gateway bound to a port: ``DevGateway`` on Wire's HTTP server, with the client it
/// posts webhook events with. `purrpurr up` runs one beside the mesh; `purrpurr whatsapp-gateway` runs one alone
/// (the tests' fake gateway process).
final class DevGatewayServer: Sendable {
    private let server: HTTPServer
    private let client: HTTPClient
    /// Calls and instances (tests in the same process read them).
    let state: DevGatewayState

    /// Creates `directory` (0700) if missing and starts serving on `host:port` (0: a free port).
    init(directory: String, apiKey: String, host: String = "127.0.0.1", port: Int = 0, control: Bool, group: EventLoopGroup) throws {
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let state = DevGatewayState()
        let client = try HTTPClient(group: group)
        self.server = try HTTPServer(
            host: host, port: port, group: group,
            responder: DevGateway(state: state, apiKey: apiKey, directory: directory, control: control, client: client))
        self.client = client
        self.state = state
    }

    /// The bound port.
    var port: Int { server.port }

    /// Stops serving.
    func stop() async {
        await server.shutdown(timeout: .seconds(2))
        client.shutdown()
    }
}
