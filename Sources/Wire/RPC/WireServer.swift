import Synchronization

/// A Wire RPC server (`docs/wire.md`): listens with mutual TLS, answers HELLO, and runs typed handlers for
/// the methods registered on it, each call as a task on its connection's event loop.
///
/// ```swift
/// let server = WireServer(host: "0.0.0.0", port: 7001, tls: meshServerTLS, group: group,
///                         configuration: .init(serviceName: "identity"))
/// server.register(IdentityContract.getUser) { request, context in
///     try await users.get(request.id, project: context.projectID)
/// }
/// try server.start()
/// …
/// await server.shutdownGracefully(timeout: .seconds(10))   // GOAWAY, finish calls in flight, close
/// ```
///
/// - The caller of a call is the service named in the client's certificate (`CallContext.callerService`);
///   each method admits only its descriptor's `allowedCallers` (else `permissionDenied`).
/// - Unknown method → `unimplemented`; undecodable body → `invalidArgument`; deadline already passed →
///   `deadlineExceeded` without running the handler; too many calls on the connection →
///   `resourceExhausted`. A handler's thrown ``WireError`` goes back as is; anything else becomes
///   `internal` with a generic message (and reaches ``Configuration/onHandlerError``).
/// - Handlers run as `Task(executorPreference: loop)`: no thread hop between the socket and the handler;
///   responses are written on the loop and leave in one flush per loop tick.
/// - A built-in `wire.Ping` (``HealthContract``) answers any caller.
public final class WireServer: Sendable {
    /// The listening host.
    public let host: String
    /// The configuration.
    public let configuration: Configuration
    let group: EventLoopGroup
    let tls: TLSContext
    private let requestedPort: Int
    let state: Mutex<ServerState>

    /// Everything mutable, under one lock (touched at setup, connect, close and shutdown, never per call).
    struct ServerState: ~Copyable {
        var methods = ServerMethodTable()
        var listener: TCPListener?
        var connections: [ObjectIdentifier: ServerConnection] = [:]
        var started = false
        var shuttingDown = false
        var finished = false
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a server; register methods, then ``start()``.
    ///
    /// - Parameters:
    ///   - port: 0 lets the kernel choose; read it back from ``port`` after ``start()``.
    ///   - tls: a mesh server context (client certificates required).
    ///   - group: the loops connections are spread over.
    public init(host: String, port: Int, tls: TLSContext, group: EventLoopGroup, configuration: Configuration = Configuration()) {
        self.host = host
        self.requestedPort = port
        self.tls = tls
        self.group = group
        self.configuration = configuration
        self.state = Mutex(ServerState())
        let service = configuration.serviceName
        self.state.withLock { state in
            state.methods.register(HealthContract.ping) { [weak self] _, _ in
                HealthPingResponse(status: self?.isShuttingDown == false ? "serving" : "draining", service: service)
            }
        }
    }

    /// Registers `handler` for `method`, replacing any earlier handler of the same name. Call before ``start()``.
    public func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        handler: @escaping @Sendable (_ request: Request, _ context: CallContext) async throws -> Response
    ) {
        self.state.withLock { state in
            precondition(!state.started, "WireServer.register called after start()")
            state.methods.register(method, handler: handler)
        }
    }

    /// Registers a `handler` for `method` that never suspends (an echo, an answer from memory), replacing any
    /// earlier handler of the same name. It runs on the connection's loop as the REQUEST is read, with no task,
    /// deadline timer or thread hop, so it must be quick and must not block. Call before ``start()``.
    public func register<Request, Response>(
        _ method: MethodDescriptor<Request, Response>,
        immediate handler: @escaping @Sendable (_ request: Request, _ context: CallContext) throws -> Response
    ) {
        self.state.withLock { state in
            precondition(!state.started, "WireServer.register called after start()")
            state.methods.register(method, immediate: handler)
        }
    }

    /// Registers `handler` for `method` answering with a cached, already encoded response
    /// (``EncodedResponse``), replacing any earlier handler of the same name. Call before ``start()``.
    /// (The `encoded:` label keeps a handler that only throws from being ambiguous between the two forms.)
    ///
    /// `cached`, if given, is asked first, on the connection's loop as the REQUEST is read (quick, never
    /// blocking): an answer goes out at once with no task or timer; nil runs `handler` as usual.
    public func register<Request, Response>(
        encoded method: MethodDescriptor<Request, Response>,
        cached: (@Sendable (_ request: Request, _ context: CallContext) -> EncodedResponse<Response>?)? = nil,
        handler: @escaping @Sendable (_ request: Request, _ context: CallContext) async throws -> EncodedResponse<Response>
    ) {
        self.state.withLock { state in
            precondition(!state.started, "WireServer.register called after start()")
            state.methods.register(method, cached: cached, encodedHandler: handler)
        }
    }

    /// Binds and starts accepting connections.
    public func start() throws {
        let methods = try self.state.withLock { state throws -> ServerMethodTable in
            guard !state.started else { throw WireError(.failedPrecondition, "the server was already started") }
            state.started = true
            return state.methods
        }
        let shared = ServerConnection.Shared(server: self, methods: methods)
        let listener = try TCPListener(
            host: self.host, port: self.requestedPort, group: self.group,
            options: self.configuration.connectionOptions, tls: self.tls
        ) { connection in
            ServerConnection(connection: connection, shared: shared)
        }
        self.state.withLock { $0.listener = listener }
    }

    /// The bound port (after ``start()``), or 0 before.
    public var port: Int {
        self.state.withLock { $0.listener?.port ?? 0 }
    }

    /// Starts (unless started) and suspends until the server has shut down. Cancelling the calling task
    /// starts a graceful shutdown with ``Configuration/drainTimeout``.
    public func run() async throws {
        let needsStart = self.state.withLock { !$0.started }
        if needsStart { try self.start() }
        await withTaskCancellationHandler {
            await self.waitUntilShutDown()
        } onCancel: {
            Task { await self.shutdownGracefully(timeout: self.configuration.drainTimeout) }
        }
    }

    /// Stops accepting, sends GOAWAY on every connection, lets calls in flight finish for up to `timeout`,
    /// then fails what remains with `unavailable` and closes. Returns once every connection is closed.
    /// Safe to call more than once and concurrently.
    public func shutdownGracefully(timeout: Duration) async {
        let (first, connections, listener) = self.state.withLock { state in
            let first = !state.shuttingDown
            state.shuttingDown = true
            let listener = state.listener
            state.listener = nil
            return (first, Array(state.connections.values), listener)
        }
        if first {
            listener?.close()
            for connection in connections {
                connection.loop.execute { connection.drain() }
            }
            let deadline = self.group.next().schedule(after: timeout) { [self] in
                let remaining = self.state.withLock { Array($0.connections.values) }
                for connection in remaining {
                    connection.loop.execute { connection.forceClose() }
                }
            }
            self.checkFinished()
            await self.waitUntilShutDown()
            deadline.cancel()
        } else {
            await self.waitUntilShutDown()
        }
    }

    /// Suspends until a shutdown has completed.
    private func waitUntilShutDown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLock { state -> Bool in
                if state.finished { return true }
                state.shutdownWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: connection registry (called by ServerConnection)

    /// Registers a new connection; false if the server is shutting down (the connection closes at once).
    func connectionOpened(_ connection: ServerConnection) -> Bool {
        self.state.withLock { state in
            guard !state.shuttingDown else { return false }
            state.connections[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    /// Forgets a closed connection, and completes the shutdown if it was the last one.
    func connectionClosed(_ connection: ServerConnection) {
        self.state.withLock { state in
            _ = state.connections.removeValue(forKey: ObjectIdentifier(connection))
        }
        self.checkFinished()
    }

    private func checkFinished() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.shuttingDown, !state.finished, state.connections.isEmpty else { return [] }
            state.finished = true
            defer { state.shutdownWaiters = [] }
            return state.shutdownWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether a graceful shutdown has begun.
    var isShuttingDown: Bool {
        self.state.withLock { $0.shuttingDown }
    }
}
