import Synchronization

/// An HTTP/1.1 server (optionally HTTPS) on an ``EventLoopGroup``: keep-alive, pipelining (responses in
/// request order), `Expect: 100-continue`, request and idle timeouts, and a graceful shutdown.
///
/// ```swift
/// let group = try EventLoopGroup()
/// let server = try HTTPServer(host: "0.0.0.0", port: 8080, group: group, responder: MyRouter())
/// ...
/// await server.shutdown(timeout: .seconds(30))
/// await group.shutdownGracefully()
/// ```
///
/// Each connection lives on one loop. A slow or silent client costs a descriptor and one timer, never a
/// thread. A request the parser refuses is answered with the ``HTTPParserError``'s status and a JSON error
/// body, then the connection closes; a request not received whole within
/// ``Configuration/requestTimeout`` gets 408 and a close.
public final class HTTPServer: Sendable {
    /// The bound address (with the real port when `port` was 0).
    public let localAddress: SocketAddress
    let core: HTTPServerCore
    private let listener: TCPListener

    /// Binds and starts accepting.
    ///
    /// - Parameters:
    ///   - host: a numeric address to bind (`"0.0.0.0"`, `"::"`, `"127.0.0.1"`).
    ///   - port: 0 lets the kernel choose (read ``port``).
    ///   - tls: a public HTTPS context (`TLSContext.server(..., requireClientCertificate: false)`), or nil.
    public init(
        host: String, port: Int, group: EventLoopGroup, tls: TLSContext? = nil,
        configuration: Configuration = Configuration(), responder: some HTTPResponder
    ) throws {
        let core = HTTPServerCore(
            responder: responder, configuration: configuration, isSecure: tls != nil, loops: group.loops)
        self.core = core
        self.listener = try TCPListener(
            host: host, port: port, group: group, backlog: configuration.backlog, tls: tls
        ) { connection in
            HTTPServerConnection(connection: connection, core: core)
        }
        self.localAddress = self.listener.localAddress
    }

    /// The bound port.
    public var port: Int { self.localAddress.port }

    /// Connections currently open.
    public var connectionCount: Int { self.core.openConnections.load(ordering: .relaxed) }

    /// Stops gracefully: stops accepting, closes idle connections, lets requests in flight finish (their
    /// responses carry `Connection: close`), and closes each connection after its last response. After
    /// `timeout`, what is still open is closed at once. Returns when every connection is closed.
    public func shutdown(timeout: Duration = .seconds(30)) async {
        self.listener.close()
        for state in self.core.loopStates.values {
            state.loop.execute {
                state.draining = true
                for connection in state.connections.values { connection.drain() }
            }
        }
        if await self.waitForConnections(within: timeout) { return }
        for state in self.core.loopStates.values {
            state.loop.execute {
                for connection in state.connections.values { connection.connection.abort() }
            }
        }
        _ = await self.waitForConnections(within: .seconds(2))
    }

    /// Polls until no connection is open; false if `timeout` passed first.
    private func waitForConnections(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while self.core.openConnections.load(ordering: .acquiring) > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// What every connection of one server shares.
final class HTTPServerCore: Sendable {
    let responder: any HTTPResponder
    let configuration: HTTPServer.Configuration
    let isSecure: Bool
    /// One per loop of the group, keyed by the loop's identity; fixed at init.
    let loopStates: [ObjectIdentifier: HTTPServerLoopState]
    let openConnections = Atomic<Int>(0)

    init(responder: any HTTPResponder, configuration: HTTPServer.Configuration, isSecure: Bool, loops: [EventLoop]) {
        self.responder = responder
        self.configuration = configuration
        self.isSecure = isSecure
        var states: [ObjectIdentifier: HTTPServerLoopState] = [:]
        for loop in loops { states[ObjectIdentifier(loop)] = HTTPServerLoopState(loop: loop) }
        self.loopStates = states
    }
}
