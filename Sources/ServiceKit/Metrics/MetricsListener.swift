import Wire

extension LogKey {
    /// The port a metrics listener is bound to.
    public static let metricsPort = LogKey("metrics.port")
}

/// `GET /metrics` on a listener of its own (``MetricsListenerConfiguration``): the Prometheus text of a
/// ``MetricsRegistry``; any other path is 404. ``ServiceMain/runMeshService(_:migrations:environment:plansEveryExecution:configuration:build:)``
/// starts one for every mesh service (the Router has its own, `MetricsHTTPService`, answering with its JSON errors).
public final class MetricsListener: Service {
    /// The server (bound at init: a taken port fails the start).
    public let server: HTTPServer

    /// Binds `host:port` (0 for any free port) on the shared event loops.
    public init(_ configuration: MetricsListenerConfiguration, metrics: MetricsRegistry) throws {
        server = try HTTPServer(
            host: configuration.host, port: configuration.port, group: try ServiceContext.sharedEventLoopGroup(),
            tls: nil, responder: Responder(metrics: metrics))
    }

    /// Serves until the graceful shutdown, then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown(timeout: .seconds(1))
    }

    private struct Responder: HTTPResponder {
        let metrics: MetricsRegistry

        func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
            guard request.method == .get || request.method == .head, request.path == "/metrics" else {
                return HTTPResponse(status: .notFound)
            }
            return HTTPResponse(
                status: .ok, headers: ["Content-Type": MetricsRegistry.contentType], body: Array(metrics.render().utf8))
        }
    }
}
