/// A long-running part of a process (a server, a worker, a pool), run by a ``ServiceGroup``.
///
/// `run()` returns when the service has stopped. To stop gracefully it listens for the group's request
/// with ``gracefulShutdown()`` or ``withGracefulShutdownHandler(isolation:operation:onGracefulShutdown:)``;
/// it must also stop promptly when its task is cancelled (after the drain timeout).
///
/// ```swift
/// struct Worker: Service {
///     func run() async throws {
///         while !Task.isShuttingDownGracefully {
///             try await processNextBatch()
///         }
///     }
/// }
/// ```
public protocol Service: Sendable {
    /// Runs until stopped. Returning before a shutdown was requested, or throwing, stops the whole group.
    func run() async throws
}

/// A service that does nothing until it is asked to shut down: the placeholder body of an executable
/// whose real services are still to come.
public struct IdleService: Service {
    /// Creates an idle service.
    public init() {}

    public func run() async throws {
        try await gracefulShutdown()
    }
}
