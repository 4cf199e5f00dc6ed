import Foundation
import Testing
import Wire

/// Launches the built executables and checks what an operator sees: exit statuses, the configuration
/// lines, the JSON `started` line, the Wire listener answering `wire.Ping` over mutual TLS, and a graceful
/// stop on SIGTERM/SIGINT.
@Suite("Executables (black box)")
struct ExecutableBlackBoxTests {
    /// Product name (as in Package.swift) and target name of each service executable.
    static let services: [(product: String, target: String)] = [
        ("router", "Router"),
        ("identity-service", "IdentityService"),
        ("comms-service", "CommsService"),
        ("vault-service", "VaultService"),
        ("billing-service", "BillingService"),
    ]

    /// The executables that serve Wire (every one but the Router).
    static let meshServices = services.filter { $0.product != "router" }

    /// The throwaway PostgreSQL that `scripts/test` (or CI) started; services connect and migrate at start.
    static let databaseURL = ProcessInfo.processInfo.environment["PURRPURR_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// An environment every service accepts, once ``environment(_:mesh:)`` adds its mesh files.
    static let goodEnvironment = [
        "DATABASE_URL": databaseURL ?? "postgres://purrpurr@127.0.0.1:1/unused",
        "PURRPURR_ADMIN_TOKEN": String(repeating: "a", count: 32),
        "API_KEY_PEPPER": String(repeating: "p", count: 32),
        "PURRPURR_HTTP_PORT": "0",
        "WIRE_PORT": "0",
        "DRAIN_TIMEOUT_SECONDS": "5",
        "LOG_LEVEL": "info",
    ]

    /// The name a product has in the mesh (on its certificate): `identity-service` → `identity`.
    static func meshName(_ product: String) -> String {
        product.hasSuffix("-service") ? String(product.dropLast("-service".count)) : product
    }

    /// ``goodEnvironment`` plus `MESH_*` paths to a certificate for `product` issued by `mesh`.
    static func environment(_ product: String, mesh: BlackBoxMesh) throws -> [String: String] {
        try goodEnvironment.merging(mesh.environment(for: meshName(product))) { $1 }
    }

    @Test("a bad environment exits 78 with one line per problem", arguments: services)
    func badEnvironment(product: String, target: String) async throws {
        let child = try ChildProcess([product, target], environment: ["DRAIN_TIMEOUT_SECONDS": "forever"])
        let status = try #require(try await child.waitForExit())
        #expect(status == 78)
        let lines = child.standardError.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(product): invalid configuration: DATABASE_URL is missing (expected a postgres:// or postgresql:// URL)"))
        #expect(lines.contains("\(product): invalid configuration: DRAIN_TIMEOUT_SECONDS is malformed (expected a number of seconds from 0 to 300)"))
        if product != "router" {
            #expect(lines.contains("\(product): invalid configuration: MESH_CA_PATH is missing (expected the path of the mesh CA certificate, PEM)"))
            #expect(lines.contains { $0.contains("MESH_CERT_PATH is missing") })
            #expect(lines.contains { $0.contains("MESH_KEY_PATH is missing") })
        }
        #expect(lines.allSatisfy { $0.hasPrefix("\(product): invalid configuration: ") })
    }

    @Test("a good environment logs a JSON started line, serves wire.Ping over mTLS, and SIGTERM stops it with status 0",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"), arguments: services)
    func gracefulStop(product: String, target: String) async throws {
        try await startAndStop(product: product, target: target, signal: SIGTERM)
    }

    @Test("SIGINT stops a service gracefully too",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
    func interrupt() async throws {
        try await startAndStop(product: "router", target: "Router", signal: SIGINT)
    }

    @Test("an unreachable database stops the start with status 1 and a log line naming the failure", arguments: services)
    func unreachableDatabase(product: String, target: String) async throws {
        let mesh = try BlackBoxMesh()
        var environment = try Self.environment(product, mesh: mesh)
        environment["DATABASE_URL"] = "postgres://purrpurr:hunter2-secret@127.0.0.1:1/nowhere?connect_timeout=2"
        let child = try ChildProcess([product, target], environment: environment)
        let status = try #require(try await child.waitForExit(), "did not exit")
        #expect(status == 1)
        #expect(child.standardError.contains(#""msg":"start failed""#))
        #expect(!child.standardError.contains("hunter2-secret"))
    }

    @Test("a client certificate from another CA is refused",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"))
    func foreignClientRefused() async throws {
        let mesh = try BlackBoxMesh()
        let child = try ChildProcess(["identity-service", "IdentityService"], environment: try Self.environment("identity-service", mesh: mesh))
        let port = try await wirePort(of: child)

        // The client trusts the right CA (the server's certificate checks out) but presents one from another.
        let other = try CertificateAuthority.generate(commonName: "Foreign CA", validity: .days(1))
        let foreign = try other.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
        let tls = try TLSContext.client(
            certificateChain: foreign.certificatePEM, privateKey: foreign.privateKeyPEM, trustRoots: mesh.ca.certificatePEM)
        do {
            let response = try await ping(port: port, service: "identity", tls: tls)
            Issue.record("a foreign certificate got an answer: \(response)")
        } catch let error as WireError {
            #expect(error.code == .unavailable)
        }
        // The service still serves mesh peers.
        #expect(try await ping(port: port, service: "identity", tls: try mesh.clientTLS("router")).status == "serving")

        child.send(SIGTERM)
        #expect(try await child.waitForExit() == 0)
    }

    @Test("a MESH_KEY_PATH that is not a key ends the start with status 1, naming the file but not its contents",
          .enabled(if: databaseURL != nil, "PURRPURR_TEST_DATABASE_URL is not set (run scripts/test)"), arguments: meshServices)
    func badKey(product: String, target: String) async throws {
        let mesh = try BlackBoxMesh()
        var environment = try Self.environment(product, mesh: mesh)
        try mesh.write("not a key: sekrit-contents-7f3a\n", to: "bad.key")
        environment["MESH_KEY_PATH"] = mesh.path("bad.key")
        let child = try ChildProcess([product, target], environment: environment)
        let status = try #require(try await child.waitForExit(), "did not exit")
        #expect(status == 1)
        let log = child.standardError
        let tlsLine = try #require(log.split(separator: "\n").first { $0.contains(#""msg":"wire tls invalid""#) },
                                   "no wire tls invalid line; stderr: \(log)")
        #expect(tlsLine.contains("bad.key"))
        #expect(log.contains(#""msg":"start failed""#))
        #expect(!log.contains("sekrit-contents"))
        #expect(!log.contains("wire listening"))
    }

    @Test("purrpurr help prints the usage; an unknown command exits 64")
    func commandLineTool() async throws {
        let help = try ChildProcess(["purrpurr", "Purrpurr"], arguments: ["help"], environment: [:])
        #expect(try await help.waitForExit() == 0)
        #expect(help.standardOutput.hasPrefix("usage: purrpurr"))

        let unknown = try ChildProcess(["purrpurr", "Purrpurr"], arguments: ["bogus"], environment: [:])
        #expect(try await unknown.waitForExit() == 64)
        #expect(unknown.standardError.contains("purrpurr: unknown command 'bogus'"))
        #expect(unknown.standardError.contains("usage: purrpurr"))
        #expect(unknown.standardOutput.isEmpty)
    }

    private func startAndStop(product: String, target: String, signal: Int32) async throws {
        let mesh = try BlackBoxMesh()
        let child = try ChildProcess([product, target], environment: try Self.environment(product, mesh: mesh))
        let started = try #require(try await child.waitForErrorLine(containing: #""msg":"started""#),
                                   "no started line; stderr: \(child.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(started.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["service"] as? String == product)
        #expect(object["process.id"] as? Int == Int(child.pid))
        let timestamp = try #require(object["ts"] as? String)
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

        if product != "router" {
            let port = try await wirePort(of: child)
            let health = try await ping(port: port, service: Self.meshName(product), tls: try mesh.clientTLS("router"))
            #expect(health == HealthPingResponse(status: "serving", service: Self.meshName(product)))
        }

        child.send(signal)
        let status = try #require(try await child.waitForExit(), "did not exit after the signal")
        #expect(status == 0)
        let lines = child.standardError.split(separator: "\n")
        #expect(lines.last?.contains(#""msg":"stopped""#) == true)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
            #expect(!line.contains(Self.goodEnvironment["PURRPURR_ADMIN_TOKEN"]!))
        }
    }

    /// Waits for `started`, then reads the bound port from the `wire listening` line (logged before it).
    private func wirePort(of child: ChildProcess) async throws -> Int {
        _ = try #require(try await child.waitForErrorLine(containing: #""msg":"started""#),
                         "no started line; stderr: \(child.standardError)")
        let line = try #require(try await child.waitForErrorLine(containing: #""msg":"wire listening""#, timeout: .seconds(1)),
                                "no wire listening line; stderr: \(child.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let port = try #require(object["wire.port"] as? Int)
        #expect((1...65535).contains(port))
        return port
    }

    /// Calls `wire.Ping` on `127.0.0.1:port` with a client of its own (one loop), closed afterwards.
    private func ping(port: Int, service: String, tls: TLSContext) async throws -> HealthPingResponse {
        let group = try EventLoopGroup(loopCount: 1)
        let client = WireClient(
            service: service, endpoints: [WireEndpoint(host: "127.0.0.1", port: port)], tls: tls, group: group)
        let result: Result<HealthPingResponse, any Error>
        do {
            let context = CallContext(requestID: "black-box", deadline: .now + .seconds(10))
            result = .success(try await HealthContract.Client(client).ping(context))
        } catch {
            result = .failure(error)
        }
        client.close()
        await group.shutdownGracefully()
        return try result.get()
    }
}
