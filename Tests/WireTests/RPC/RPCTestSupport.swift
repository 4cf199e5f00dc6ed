import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Testing

@testable import Wire

/// A mesh CA for one test, and the TLS contexts it makes (nothing is shared between tests).
struct RPCTestMesh {
    let ca: CertificateAuthority

    init(name: String = "RPC test CA") throws {
        self.ca = try CertificateAuthority.generate(commonName: name, validity: .days(1))
    }

    func server(_ service: String) throws -> TLSContext {
        let issued = try self.ca.issue(serviceName: service, dnsNames: [], ipAddresses: ["127.0.0.1"], validity: .days(1))
        return try TLSContext.server(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: self.ca.certificatePEM)
    }

    func client(_ service: String) throws -> TLSContext {
        let issued = try self.ca.issue(serviceName: service, dnsNames: [], ipAddresses: [], validity: .days(1))
        return try TLSContext.client(
            certificateChain: issued.certificatePEM, privateKey: issued.privateKeyPEM, trustRoots: self.ca.certificatePEM)
    }
}

/// Methods the tests register besides echo.
enum RPCTestMethods {
    /// Sleeps `milliseconds`, then answers; records start, cancellation and end in the test's probe.
    static let sleep = MethodDescriptor<SleepRequest, EchoMessage>("test.Sleep", allowedCallers: .any)
    /// Echoes the call context as the server saw it.
    static let whoAmI = MethodDescriptor<EchoMessage, SeenContext>("test.WhoAmI", allowedCallers: .any)
    /// Throws what the request asks for.
    static let fail = MethodDescriptor<FailRequest, EchoMessage>("test.Fail", allowedCallers: .any)
    /// Only `billing` may call it.
    static let billingOnly = MethodDescriptor<EchoMessage, EchoMessage>("test.BillingOnly", allowedCallers: .only(["billing"]))
    /// Not registered on any server.
    static let missing = MethodDescriptor<EchoMessage, EchoMessage>("test.Missing", allowedCallers: .any)
    /// Same name as echo, but a request the server cannot decode as an `EchoMessage`.
    static let echoWithWrongBody = MethodDescriptor<Int, EchoMessage>("echo.Echo", allowedCallers: .any)

    struct SleepRequest: Codable, Sendable {
        var milliseconds: Int
    }

    struct FailRequest: Codable, Sendable {
        var wire: Bool
    }

    struct SeenContext: Codable, Sendable, Hashable {
        var requestID: String
        var projectID: String?
        var subject: String?
        var callerService: String?
        var hasDeadline: Bool
    }

    /// A non-Wire error whose text must never reach the caller.
    struct SecretFailure: Error, CustomStringConvertible {
        var description: String { "password=hunter2" }
    }
}

/// Counts what the test handlers saw, from any thread.
final class RPCProbe: Sendable {
    private struct State {
        var started = 0
        var finished = 0
        var cancelled = 0
        var running = 0
        var maxRunning = 0
        var handlerErrors: [String] = []
    }

    private let state = Mutex(State())

    var started: Int { self.state.withLock { $0.started } }
    var finished: Int { self.state.withLock { $0.finished } }
    var cancelled: Int { self.state.withLock { $0.cancelled } }
    var maxRunning: Int { self.state.withLock { $0.maxRunning } }
    var handlerErrors: [String] { self.state.withLock { $0.handlerErrors } }

    func start() {
        self.state.withLock {
            $0.started += 1
            $0.running += 1
            $0.maxRunning = max($0.maxRunning, $0.running)
        }
    }

    func end(cancelled: Bool) {
        self.state.withLock {
            $0.running -= 1
            if cancelled { $0.cancelled += 1 } else { $0.finished += 1 }
        }
    }

    func handlerError(_ method: String) {
        self.state.withLock { $0.handlerErrors.append(method) }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    func wait(timeout: Duration = .seconds(10), _ condition: (RPCProbe) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(self)
    }
}

/// Registers echo and the test methods on `server`, reporting to `probe`.
func rpcRegisterTestMethods(on server: WireServer, probe: RPCProbe) {
    EchoContract.register(on: server)
    server.register(RPCTestMethods.sleep) { request, _ in
        probe.start()
        do {
            try await Task.sleep(for: .milliseconds(request.milliseconds))
        } catch {
            probe.end(cancelled: true)
            throw error
        }
        probe.end(cancelled: false)
        return EchoMessage(text: "slept")
    }
    server.register(RPCTestMethods.whoAmI) { _, context in
        RPCTestMethods.SeenContext(
            requestID: context.requestID, projectID: context.projectID, subject: context.subject,
            callerService: context.callerService, hasDeadline: context.deadline != nil)
    }
    server.register(RPCTestMethods.fail) { request, _ in
        if request.wire { throw WireError(.notFound, "no such user", details: ["user": "7"]) }
        throw RPCTestMethods.SecretFailure()
    }
    server.register(RPCTestMethods.billingOnly) { request, _ in request }
}

/// A started test server with the test methods, on its own group.
struct RPCTestServer {
    let group: EventLoopGroup
    let server: WireServer
    let probe: RPCProbe

    var port: Int { self.server.port }

    init(mesh: RPCTestMesh, service: String = "echo", port: Int = 0, loops: Int = 1,
         configuration: WireServer.Configuration = WireServer.Configuration()) throws {
        self.group = try EventLoopGroup(loopCount: loops)
        let probe = RPCProbe()
        var configuration = configuration
        configuration.onHandlerError = { method, _ in probe.handlerError(method) }
        self.server = WireServer(host: "127.0.0.1", port: port, tls: try mesh.server(service), group: self.group,
                                 configuration: configuration)
        self.probe = probe
        rpcRegisterTestMethods(on: self.server, probe: probe)
        try self.server.start()
    }

    /// Drains the server and stops its loops.
    func stop(timeout: Duration = .seconds(5)) async {
        await self.server.shutdownGracefully(timeout: timeout)
        await self.group.shutdownGracefully()
    }
}

/// A client of `service` for the given ports on 127.0.0.1, on its own group.
struct RPCTestClient {
    let group: EventLoopGroup
    let client: WireClient

    var echo: EchoContract.Client { EchoContract.Client(self.client) }

    init(mesh: RPCTestMesh, ports: [Int], caller: String = "router", service: String = "echo", loops: Int = 1,
         tls: TLSContext? = nil, serverName: String? = nil,
         configuration: WireClient.Configuration = WireClient.Configuration()) throws {
        self.group = try EventLoopGroup(loopCount: loops)
        self.client = WireClient(
            service: service, endpoints: ports.map { WireEndpoint(host: "127.0.0.1", port: $0) },
            tls: try tls ?? mesh.client(caller), serverName: serverName, group: self.group,
            configuration: configuration)
    }

    func stop() async {
        self.client.close()
        await self.group.shutdownGracefully()
    }
}

/// A fresh context with a request id.
func rpcContext(_ id: String = "req-1", deadline: Duration? = nil) -> CallContext {
    CallContext(requestID: id, deadline: deadline.map { ContinuousClock.now + $0 })
}

/// The ``WireError`` `body` throws, or nil (an `Issue` is recorded for anything else).
func rpcWireError(_ body: () async throws -> Void) async -> WireError? {
    do {
        try await body()
        Issue.record("expected a WireError, the call succeeded")
        return nil
    } catch let error as WireError {
        return error
    } catch {
        Issue.record("expected a WireError, got \(error)")
        return nil
    }
}

/// A port that refuses connections for as long as this value lives: a socket bound on 127.0.0.1 that
/// never listens (so no parallel test can take the port, and a connect gets ECONNREFUSED at once).
final class RPCRefusingPort: @unchecked Sendable {
    let port: Int
    private let fd: CInt

    init() throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WireError(.internal, "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw WireError(.internal, "bind failed")
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(self.fd)
    }
}

/// Discards input.
final class RPCRawSink: ConnectionHandler, @unchecked Sendable {
    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {}
}
