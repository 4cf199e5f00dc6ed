import Foundation
import Testing
import Wire
@testable import ServiceKit

/// `ServiceContext.serveWire` in process: binds at start, answers `wire.Ping` with the mesh name over mutual
/// TLS, logs handler failures without their text, drains on shutdown, and fails the start on bad files or a
/// taken port.
@Suite("Wire bootstrap")
struct WireServiceTests {
    @Test("the mesh name drops the -service suffix")
    func meshName() {
        #expect(fileprivateContext(InMemoryLogHandler(), name: "identity-service").meshName == "identity")
        #expect(fileprivateContext(InMemoryLogHandler(), name: "router").meshName == "router")
    }

    @Test("serves wire.Ping with its name, logs the port and handler failures, drains on shutdown")
    func servesAndDrains() async throws {
        let files = try WireTestFiles()
        let logs = InMemoryLogHandler()
        let service = try fileprivateContext(logs, name: "identity-service")
            .serveWire(files.listener(port: 0), drainTimeout: .seconds(2)) { server in
                server.register(fileprivateFail) { _, _ -> EchoMessage in throw FileprivateSecretFailure() }
            }
        #expect(service.port > 0)
        let listening = try #require(logs.records.first { $0.message == "wire listening" })
        #expect(listening.metadata[.wirePort] == .int(service.port))

        let client = try WireTestClient(files: files, port: service.port)
        let health = try await client.health.ping(CallContext(requestID: "t1", deadline: .now + .seconds(5)))
        #expect(health == HealthPingResponse(status: "serving", service: "identity"))

        do {
            _ = try await client.client.call(fileprivateFail, EchoMessage(text: "x"), CallContext(requestID: "t2"))
            Issue.record("the failing method answered")
        } catch let error as WireError {
            #expect(error.code == .internal)
        }
        let failure = try #require(logs.records.first { $0.message == "wire handler failed" })
        #expect(failure.metadata[.wireMethod] == .string("test.Fail"))
        #expect(failure.metadata[.errorType]?.description.contains("FileprivateSecretFailure") == true)
        #expect(!logs.lines.contains { $0.contains("hunter2") })

        // The group's graceful shutdown drains the server; afterwards nothing answers.
        let (signals, continuation) = AsyncStream<UnixSignal>.makeStream()
        let group = ServiceGroup(services: [service], signals: signals, drainTimeout: .seconds(5), logger: Logger(handler: logs))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(50))
        continuation.yield(.sigterm)
        try await running.value
        await #expect(throws: WireError.self) {
            _ = try await client.health.ping(CallContext(requestID: "t3", deadline: .now + .seconds(5)))
        }
        await client.stop()
    }

    @Test("a key file that is not a key fails the start, naming the file but not its contents")
    func badKey() async throws {
        let files = try WireTestFiles()
        try files.write("not a key: sekrit-7f3a\n", to: "bad.key")
        var listener = files.listener(port: 0)
        listener.privateKeyPath = files.path("bad.key")
        let logs = InMemoryLogHandler()
        let error = try #require(throws: TLSError.self) {
            _ = try fileprivateContext(logs, name: "vault-service").serveWire(listener, drainTimeout: .seconds(1))
        }
        #expect(error.code == .invalidConfiguration)
        let line = try #require(logs.records.first { $0.message == "wire tls invalid" })
        #expect(line.level == .critical)
        #expect(line.metadata[.errorCode] == .string("invalidConfiguration"))
        #expect(line.metadata[LogKey("tls.reason")]?.description.contains(files.path("bad.key")) == true)
        #expect(!logs.lines.contains { $0.contains("sekrit") })
        #expect(!logs.records.contains { $0.message == "wire listening" })
    }

    @Test("a port already taken fails the start")
    func portTaken() async throws {
        let files = try WireTestFiles()
        let first = try fileprivateContext(InMemoryLogHandler(), name: "comms-service")
            .serveWire(files.listener(port: 0), drainTimeout: .seconds(1))
        let logs = InMemoryLogHandler()
        #expect(throws: (any Error).self) {
            _ = try fileprivateContext(logs, name: "comms-service").serveWire(files.listener(port: first.port), drainTimeout: .seconds(1))
        }
        let line = try #require(logs.records.first { $0.message == "wire listen failed" })
        #expect(line.metadata[.wirePort] == .int(first.port))
        #expect(line.metadata[.errorCode] == .string("bind"))
        await first.server.shutdownGracefully(timeout: .seconds(1))
    }
}

/// A method whose handler throws a non-Wire error.
fileprivate let fileprivateFail = MethodDescriptor<EchoMessage, EchoMessage>("test.Fail", allowedCallers: .any)

/// An error whose text must never reach a log.
fileprivate struct FileprivateSecretFailure: Error, CustomStringConvertible {
    var description: String { "password=hunter2" }
}

fileprivate func fileprivateContext(_ logs: InMemoryLogHandler, name: String) -> ServiceContext {
    ServiceContext(name: name, logger: Logger(handler: logs, level: .debug), metrics: MetricsRegistry())
}

/// A fresh mesh CA with a server certificate, written as PEM files into a temporary directory (removed on deinit).
fileprivate final class WireTestFiles {
    let ca: CertificateAuthority
    let directory: String

    init() throws {
        ca = try CertificateAuthority.generate(commonName: "Wire bootstrap test CA", validity: .days(1))
        directory = NSTemporaryDirectory() + "wire-service-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let issued = try ca.issue(serviceName: "server", dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        try write(ca.certificatePEM, to: "ca.pem")
        try write(issued.certificatePEM, to: "server.crt")
        try write(issued.privateKeyPEM, to: "server.key")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    func listener(port: Int) -> WireListenerConfiguration {
        WireListenerConfiguration(
            host: "127.0.0.1", port: port, trustRootsPath: path("ca.pem"),
            certificateChainPath: path("server.crt"), privateKeyPath: path("server.key"))
    }
}

/// A `router` client of the test mesh on its own one-loop group.
fileprivate struct WireTestClient {
    let group: EventLoopGroup
    let client: WireClient

    var health: HealthContract.Client { HealthContract.Client(client) }

    init(files: WireTestFiles, port: Int) throws {
        let issued = try files.ca.issue(serviceName: "router", dnsNames: [], ipAddresses: [], validity: .days(1))
        let tls = try TLSContext.client(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: files.ca.certificatePEM)
        group = try EventLoopGroup(loopCount: 1)
        client = WireClient(
            service: "server", endpoints: [WireEndpoint(host: "127.0.0.1", port: port)], tls: tls, group: group,
            configuration: WireClient.Configuration(connectTimeout: .seconds(2)))
    }

    func stop() async {
        client.close()
        await group.shutdownGracefully()
    }
}
