#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ServiceKit
import Testing
import Wire
@testable import PurrpurrTestSupport

/// The real mesh for end-to-end tests: the built `router`, `identity-service` and `comms-service` processes
/// with mesh certificates, one fresh PostgreSQL database (each service in its own schema) and a real SMTP
/// server (aiosmtpd) as the relay. Tests talk to it only through the Router's public HTTP API.
///
/// ```swift
/// let mesh = try await LocalMesh.start()
/// let project = try await mesh.createProject()
/// let (status, body) = try await mesh.http("GET", "/v1/whoami", key: project.secretKey)
/// try await mesh.stop()
/// ```
final class LocalMesh: @unchecked Sendable {
    /// The database all three services use.
    let database: TestDatabase
    /// The relay every email goes to.
    let smtp: SMTPTestServer
    /// The certificates.
    let certificates: BlackBoxMesh
    /// The Router's base URL.
    private(set) var baseURL: String
    /// The running processes by name.
    private(set) var processes: [String: ChildProcess] = [:]
    /// The environment each service was started with.
    private var environments: [String: [String: String]] = [:]
    /// The admin token.
    let adminToken = String(repeating: "a", count: 40)
    /// The inbound `email` webhook secret's key bytes.
    let webhookKey = SecureRandom.bytes(32)

    private init(database: TestDatabase, smtp: SMTPTestServer, certificates: BlackBoxMesh) {
        self.database = database
        self.smtp = smtp
        self.certificates = certificates
        self.baseURL = ""
    }

    /// Starts comms, identity and the Router; the services listen on fixed free ports so a restarted process
    /// comes back where the Router expects it.
    static func start(extra: [String: [String: String]] = [:]) async throws -> LocalMesh {
        let mesh = LocalMesh(
            database: try await TestDatabase.create(prefix: "mesh"), smtp: try await SMTPTestServer.start(),
            certificates: try BlackBoxMesh())
        let commsPort = try freePort()
        let identityPort = try freePort()
        let common = ["DATABASE_URL": mesh.database.url, "LOG_LEVEL": "info", "DRAIN_TIMEOUT_SECONDS": "5"]
        mesh.environments["comms"] = try mesh.certificates.environment(for: "comms").merging(common) { $1 }.merging([
            "WIRE_PORT": String(commsPort), "SMTP_URL": "smtp://127.0.0.1:\(mesh.smtp.port)?tls=none",
            "COMMS_DEFAULT_FROM": "Purrpurr <no-reply@purrpurr.test>", "COMMS_MESSAGE_ID_DOMAIN": "mesh.purrpurr.test",
            "COMMS_POLL_INTERVAL_MS": "100", "COMMS_RETRY_SCHEDULE": "1s,1s",
        ]) { $1 }.merging(extra["comms"] ?? [:]) { $1 }
        mesh.environments["identity"] = try mesh.certificates.environment(for: "identity").merging(common) { $1 }.merging([
            "WIRE_PORT": String(identityPort), "COMMS_WIRE_ENDPOINTS": "127.0.0.1:\(commsPort)",
        ]) { $1 }.merging(extra["identity"] ?? [:]) { $1 }
        mesh.environments["router"] = try mesh.certificates.environment(for: "router").merging(common) { $1 }.merging([
            "PURRPURR_HTTP_PORT": "0", "PURRPURR_ADMIN_TOKEN": mesh.adminToken,
            "API_KEY_PEPPER": String(repeating: "p", count: 40),
            "IDENTITY_WIRE_ENDPOINTS": "127.0.0.1:\(identityPort)", "COMMS_WIRE_ENDPOINTS": "127.0.0.1:\(commsPort)",
            "WEBHOOK_SECRET_EMAIL": "whsec_" + Data(mesh.webhookKey).base64EncodedString(),
        ]) { $1 }.merging(extra["router"] ?? [:]) { $1 }
        for service in ["comms", "identity"] { try await mesh.launch(service) }
        let router = try await mesh.launch("router")
        let line = try #require(try await router.waitForErrorLine(containing: #""msg":"http listening""#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        mesh.baseURL = "http://127.0.0.1:\(try #require(object["http.port"] as? Int))"
        return mesh
    }

    /// Starts (or restarts) `service` and waits for its `started` line.
    @discardableResult
    func launch(_ service: String) async throws -> ChildProcess {
        let product = service == "router" ? "router" : "\(service)-service"
        let target = service == "router" ? "Router" : service.capitalized + "Service"
        let child = try ChildProcess([product, target], environment: try #require(environments[service]))
        processes[service] = child
        _ = try #require(
            try await child.waitForErrorLine(containing: #""msg":"started""#),
            "\(service) did not start; stderr: \(child.standardError)")
        return child
    }

    /// Kills `service` at once (SIGKILL) and waits until it is gone.
    func kill(_ service: String) async throws {
        guard let child = processes[service] else { return }
        child.send(SIGKILL)
        _ = try await child.waitForExit()
    }

    /// Stops everything (SIGTERM, Router first; each must drain and exit 0 within its drain timeout), then
    /// drops the database and the SMTP server.
    func stop() async throws {
        for service in ["router", "identity", "comms"] {
            guard let child = processes[service] else { continue }
            child.send(SIGTERM)
            let status = try await child.waitForExit()
            #expect(status == 0, "\(service) did not stop cleanly: \(child.standardError.suffix(1500))")
        }
        await smtp.stop()
        try await database.drop()
    }

    /// Everything a service wrote to stderr (its log), for failure messages.
    func log(_ service: String) -> String { processes[service]?.standardError ?? "" }

    /// A port the kernel just handed out on 127.0.0.1 (bound, read back, released).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError(message: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestSupportError(message: "bind failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
