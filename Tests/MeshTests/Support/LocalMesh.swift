#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ServiceKit
import Testing
import Wire
@testable import Purrpurr
@testable import PurrpurrTestSupport

/// The real mesh for end-to-end tests, started by **the same code as `purrpurr up`** (``MeshLauncher``): the
/// built `router`, `identity-service` and `comms-service` processes under the launcher's supervisor, with the
/// development certificates, the mail catcher as the relay, and a fresh PostgreSQL database of the server CI
/// started (given as `DATABASE_URL`, each service in its own schema). Routers listen on free ports. Tests talk to
/// it only through the Router's public HTTP API (and, for mTLS, the services' Wire ports).
///
/// ```swift
/// let mesh = try await LocalMesh.start()
/// let project = try await mesh.createProject()
/// let answer = try await mesh.http("GET", "/v1/whoami", key: project.secretKey)
/// try await mesh.stop()
/// ```
final class LocalMesh: @unchecked Sendable {
    /// The launcher's handle.
    let running: RunningMesh
    /// The database every service uses.
    let database: TestDatabase
    /// The launcher's folder (state, certificates, mail, logs); removed by ``stop()``.
    let directory: String
    /// The Router replica ``http(_:_:key:bearer:admin:body:headers:rawBody:)`` talks to (0 = `router`).
    var routerIndex = 0

    /// The admin token.
    var adminToken: String { running.adminToken }
    /// The base URL of the Router in use.
    var baseURL: String { running.routerURLs[routerIndex] }
    /// The inbound `email` webhook secret's key bytes.
    var webhookKey: [UInt8] {
        let secret = running.webhookSecrets["email"] ?? ""
        return Array(Data(base64Encoded: String(secret.dropFirst("whsec_".count))) ?? Data())
    }

    private init(running: RunningMesh, database: TestDatabase, directory: String) {
        self.running = running
        self.database = database
        self.directory = directory
    }

    /// Starts the mesh with `routers` Router replicas. `extra` adds variables per service (`comms`, `identity`,
    /// `router`); `environment` adds variables to the launcher's environment (overrides such as `SMTP_URL`).
    static func start(
        routers: Int = 1, extra: [String: [String: String]] = [:], environment: [String: String] = [:],
        restartBackoff: Duration = .seconds(1), demoProject: Bool = false
    ) async throws -> LocalMesh {
        let database = try await TestDatabase.create(prefix: "mesh")
        let directory = NSTemporaryDirectory() + "purrpurr-mesh-" + UUID().uuidString
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "DATABASE_URL": database.url]
        base.merge(environment) { $1 }
        var services = extra
        services["comms", default: [:]].merge(
            ["COMMS_POLL_INTERVAL_MS": "100", "COMMS_RETRY_SCHEDULE": "1s,1s",
             "COMMS_MESSAGE_ID_DOMAIN": "mesh.purrpurr.test"]) { old, _ in old }
        var options = MeshOptions(
            stateDirectory: directory, binaryDirectory: try binaryDirectory(), environment: base,
            routerReplicas: routers, routerPorts: Array(repeating: 0, count: routers), extra: services)
        options.supervisorPolicy = ChildSupervisor.Policy(initialBackoff: restartBackoff, maximumBackoff: .seconds(5))
        options.readyTimeout = .seconds(60)
        options.demoProject = demoProject
        do {
            let running = try await MeshLauncher.start(options)
            return LocalMesh(running: running, database: database, directory: directory)
        } catch {
            try? await database.drop()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// The folder with the built executables: the one holding the test bundle (`.build/<configuration>`).
    private static func binaryDirectory() throws -> String {
        let candidates = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
            + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("router").path) }
        return try #require(found, "no built router next to the test bundle (swift build --build-tests)").path
    }

    /// Kills `service` (SIGKILL by default) and waits until the supervisor saw it die. Returns how many times it
    /// had logged `started`, for ``waitForRestart(of:startedBefore:timeout:)``.
    @discardableResult
    func kill(_ service: String, signal: Int32 = SIGKILL) async throws -> Int {
        let started = startedCount(service)
        let pid = try #require(running.supervisor.pid(of: service), "\(service) is not running")
        Glibc.kill(pid, signal)
        let deadline = ContinuousClock.now + .seconds(10)
        while running.supervisor.pid(of: service) == pid, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return started
    }

    /// Waits until the supervisor restarted `service` and it logged `started` again.
    func waitForRestart(of service: String, startedBefore: Int, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if startedCount(service) > startedBefore { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MeshExpectationFailed("\(service) was not restarted within \(timeout); log: \(log(service).suffix(1500))")
    }

    private func startedCount(_ service: String) -> Int {
        log(service).components(separatedBy: #""msg":"started""#).count - 1
    }

    /// Everything `service` logged.
    func log(_ service: String) -> String { running.log(service) }

    /// Every message the mail catcher holds, oldest first.
    func caughtMail() throws -> [CaughtMail] {
        try CaughtMail.all(in: try #require(running.mailDirectory, "the mail catcher is not running"))
            .sorted { ($0.name ?? "") < ($1.name ?? "") }
    }

    /// Stops everything through the launcher (Routers first, each process by its PID; each must exit 0), then
    /// drops the database and removes the folder.
    func stop() async throws {
        let exits = await running.stop()
        for (name, exit) in exits.sorted(by: { $0.key < $1.key }) {
            #expect(exit.isSuccess, "\(name) \(exit) while stopping: \(log(name).suffix(1500))")
        }
        try await database.drop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A mesh expectation that did not come true in time.
struct MeshExpectationFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
