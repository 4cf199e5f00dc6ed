#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Wire

/// The local mesh once it is up: its addresses and credentials, and the handles to stop it.
final class RunningMesh: @unchecked Sendable {
    /// Each Router replica's base URL (`http://127.0.0.1:8080`), `router` first.
    let routerURLs: [String]
    /// The admin token the Routers accept.
    let adminToken: String
    /// The demo project, when one was asked for.
    let demoProject: LocalState.DemoProject?
    /// The folder the mail catcher stores messages in, when it runs.
    let mailDirectory: String?
    /// The Standard Webhooks secrets by source.
    let webhookSecrets: [String: String]
    /// The processes, in start order.
    let processes: [MeshProcessSpec]
    /// Restarts and stops the processes.
    let supervisor: ChildSupervisor
    /// The development OpenID provider, when the demo project has one.
    let devOIDC: DevOIDCSetup?
    /// The demo project's webhook endpoint on `PURRPURR_WEBHOOK_CATCHER_URL`, when set (``DemoWebhookEndpoint``).
    var demoWebhook: DemoWebhookEndpoint?
    /// The development WhatsApp gateway, when it runs (texts in `<root>/whatsapp/`).
    var whatsapp: UpWhatsAppGateway?

    private let postgres: (server: EmbeddedPostgres, pid: pid_t)?
    private let mailCatcher: MailCatcher?
    private let eventLoops: EventLoopGroup?
    private let lock: DirectoryLock
    private let stopGrace: Duration

    init(
        routerURLs: [String], adminToken: String, demoProject: LocalState.DemoProject?, mailDirectory: String?,
        webhookSecrets: [String: String], processes: [MeshProcessSpec], supervisor: ChildSupervisor,
        postgres: (server: EmbeddedPostgres, pid: pid_t)?, mailCatcher: MailCatcher?, eventLoops: EventLoopGroup?,
        lock: DirectoryLock, stopGrace: Duration, devOIDC: DevOIDCSetup? = nil
    ) {
        self.devOIDC = devOIDC
        self.routerURLs = routerURLs
        self.adminToken = adminToken
        self.demoProject = demoProject
        self.mailDirectory = mailDirectory
        self.webhookSecrets = webhookSecrets
        self.processes = processes
        self.supervisor = supervisor
        self.postgres = postgres
        self.mailCatcher = mailCatcher
        self.eventLoops = eventLoops
        self.lock = lock
        self.stopGrace = stopGrace
    }

    /// The first Router's base URL.
    var routerURL: String { routerURLs[0] }

    /// Everything `name` has logged (its log file).
    func log(_ name: String) -> String {
        guard let spec = processes.first(where: { $0.name == name }) else { return "" }
        return (try? String(contentsOfFile: spec.logPath, encoding: .utf8)) ?? ""
    }

    /// Stops the Routers first (so nothing new arrives), then the services in reverse start order, each by its PID
    /// with SIGTERM (SIGKILL after its drain time), then the mail catcher and PostgreSQL. Returns how each process
    /// ended; a clean stop is `.exited(0)` for all.
    @discardableResult
    func stop() async -> [String: ProcessSpawner.Exit] {
        let exits = await supervisor.stopAll(order: processes.map(\.name).reversed(), grace: stopGrace)
        await mailCatcher?.stop()
        await whatsapp?.stop()
        await devOIDC?.stop()
        if let eventLoops {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    eventLoops.syncShutdownGracefully()
                    continuation.resume()
                }
            }
        }
        if let postgres { await postgres.server.stop(pid: postgres.pid) }
        lock.release()
        return exits
    }
}
