import Contracts
import Synchronization
import Wire

extension LogKey {
    /// The port a Wire server is bound to.
    public static let wirePort = LogKey("wire.port")
    /// The address a Wire server binds.
    public static let wireHost = LogKey("wire.host")
}

extension ServiceContext {
    /// The name this service has in the mesh, which its certificate carries: the executable's name without
    /// a `-service` suffix (`identity-service` → `identity`; `router` stays `router`).
    public var meshName: String {
        name.hasSuffix("-service") ? String(name.dropLast("-service".count)) : name
    }

    /// The process-wide event loops for Wire servers and clients: one group per process, created on first
    /// use (one loop per active processor) and never shut down — its threads live as long as the process,
    /// like swift-nio's singleton group. Share it so calls between a server and a client stay on one loop.
    public static func sharedEventLoopGroup() throws -> EventLoopGroup {
        try fileprivateSharedGroup.withLock { group throws -> EventLoopGroup in
            if let group { return group }
            let made = try EventLoopGroup()
            group = made
            return made
        }
    }

    /// Starts this service's Wire server and returns the service that drains it on shutdown.
    ///
    /// Builds the server `TLSContext` from the listener's PEM files (call this once per process: it is the
    /// process's one mesh server context), uses ``sharedEventLoopGroup()``, names the server ``meshName``
    /// (reported by the built-in `wire.Ping`), lets `register` add the service's methods, then **binds
    /// at once**, so a bad certificate, key, CA file, host or port fails the start (exit 1) rather than the
    /// first call. Logs `wire listening` with `wire.port`.
    ///
    /// ```swift
    /// let wire = try context.serveWire(config.wire, drainTimeout: config.drainTimeout) { server in
    ///     server.register(IdentityContract.getUser) { request, call in try await users.get(request, call) }
    /// }
    /// return [database, wire]
    /// ```
    ///
    /// A handler error that is not a `WireError` (the caller only sees `internal`) is logged as
    /// `wire handler failed` with `wire.method` and `error.type`, never the error's text.
    /// - Throws: `TLSError` (`invalidConfiguration`, naming the file but never its contents) after logging
    ///   `wire tls invalid`; `TCPError` or `SocketError` after logging `wire listen failed`.
    public func serveWire(
        _ listener: WireListenerConfiguration,
        drainTimeout: Duration,
        register: (WireServer) -> Void = { _ in }
    ) throws -> WireService {
        let logger = self.logger
        let tls: TLSContext
        do {
            tls = try TLSContext.server(
                certificateChainPath: listener.certificateChainPath, privateKeyPath: listener.privateKeyPath,
                trustRootsPath: listener.trustRootsPath)
        } catch let error as TLSError {
            // The reason names the file and OpenSSL's static reason ("no start line"), never contents.
            logger.critical("wire tls invalid", metadata: [
                .errorCode: .string("\(error.code)"), LogKey("tls.reason"): .string(error.reason),
            ])
            throw error
        }
        let configuration = WireServer.Configuration(
            serviceName: meshName, drainTimeout: drainTimeout,
            onHandlerError: { method, error in
                logger.error("wire handler failed", metadata: [.wireMethod: .string(method), .errorType: .errorType(error)])
            })
        let server = WireServer(
            host: listener.host, port: listener.port, tls: tls, group: try Self.sharedEventLoopGroup(),
            configuration: configuration)
        register(server)
        do {
            try server.start()
        } catch {
            var metadata: Logger.Metadata = [
                .wireHost: .string(listener.host), .wirePort: .int(listener.port), .errorType: .errorType(error),
            ]
            if let error = error as? SocketError {
                metadata[.errorCode] = .string(error.syscall)
                metadata[LogKey("error.errno")] = .int(Int(error.errno))
            }
            logger.critical("wire listen failed", metadata: metadata)
            throw error
        }
        logger.info("wire listening", metadata: [.wirePort: .int(server.port), .serviceName: .string(meshName)])
        return WireService(server: server, drainTimeout: drainTimeout)
    }
}

/// The lazily created group behind ``ServiceContext/sharedEventLoopGroup()``.
fileprivate let fileprivateSharedGroup = Mutex<EventLoopGroup?>(nil)
