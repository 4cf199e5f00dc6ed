import Foundation
import Synchronization
import ServiceKit
import Wire

/// `purrpurr up`'s development WhatsApp gateway (unless `EVOLUTION_URL` is given): ``DevGatewayServer`` in this
/// process on its own event loop, texts in `<root>/whatsapp/`, and the variables Comms needs to use it
/// (`EVOLUTION_URL`, `EVOLUTION_API_KEY`, and `PUBLIC_URL` = the first Router, for instances' webhooks).
final class UpWhatsAppGateway: Sendable {
    let server: DevGatewayServer
    private let group: EventLoopGroup
    private let stopped = Mutex(false)
    /// Comms' variables.
    let variables: [String: String]

    /// Starts the gateway when the environment does not name one; nil otherwise.
    static func startIfNeeded(root: String, routerPort: Int, environment: [String: String]) throws -> UpWhatsAppGateway? {
        guard environment["EVOLUTION_URL"]?.isEmpty ?? true else { return nil }
        return try UpWhatsAppGateway(root: root, routerPort: routerPort, environment: environment)
    }

    private init(root: String, routerPort: Int, environment: [String: String]) throws {
        let group = try EventLoopGroup(loopCount: 1)
        let key = Base64URL.encode(SecureRandom.bytes(24))
        do {
            server = try DevGatewayServer(directory: root + "/whatsapp", apiKey: key, control: false, group: group)
        } catch {
            group.syncShutdownGracefully()
            throw error
        }
        self.group = group
        var variables = ["EVOLUTION_URL": "http://127.0.0.1:\(server.port)", "EVOLUTION_API_KEY": key]
        if environment["PUBLIC_URL"]?.isEmpty ?? true { variables["PUBLIC_URL"] = "http://127.0.0.1:\(routerPort)" }
        self.variables = variables
    }

    /// Stops serving and its event loop (once; later calls do nothing).
    func stop() async {
        guard stopped.withLock({ was in defer { was = true }; return !was }) else { return }
        await server.stop()
        let group = group
        await withCheckedContinuation { done in
            Thread.detachNewThread {
                group.syncShutdownGracefully()
                done.resume()
            }
        }
    }
}
