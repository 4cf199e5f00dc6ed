import Wire

/// Owns a started ``WireServer`` (the service's mesh RPC face, mutual TLS) while the process runs, and
/// drains it on shutdown: stop accepting, GOAWAY, let calls in flight finish for up to the drain timeout.
///
/// Made by ``ServiceContext/serveWire(_:drainTimeout:register:)``, which has already bound the port.
/// Put it after the ``DatabaseService`` in the list `build` returns, so the pool outlives the calls:
///
/// ```swift
/// return [database, try context.serveWire(config.wire, drainTimeout: config.drainTimeout)]
/// ```
public struct WireService: Service {
    /// The running server (its built-in `wire.Ping` answers `serving`, then `draining`).
    public let server: WireServer
    /// How long calls in flight may take to finish once shutdown begins.
    public let drainTimeout: Duration

    /// Wraps a started `server`; ``run()`` shuts it down gracefully when the group asks.
    public init(server: WireServer, drainTimeout: Duration) {
        self.server = server
        self.drainTimeout = drainTimeout
    }

    /// The bound port (useful with `WIRE_PORT=0`).
    public var port: Int { server.port }

    public func run() async throws {
        // Cancellation (after the group's drain timeout) ends the wait too; either way the server drains,
        // and `shutdownGracefully` force-closes whatever is left after `drainTimeout`.
        try? await gracefulShutdown()
        await server.shutdownGracefully(timeout: drainTimeout)
    }
}
