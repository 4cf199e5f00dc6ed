import ServiceKit
import Wire

/// `GET /metrics` on a listener of its own (`METRICS_HOST`:`METRICS_PORT`, loopback by default), never on the
/// public port: Prometheus scrapes it from inside the cluster; the public listener answers the path 404.
final class MetricsHTTPService: Service {
    /// The server.
    let server: HTTPServer

    /// Binds `host:port` (0 for any free port) on the shared event loops.
    init(host: String, port: Int, metrics: MetricsRegistry) throws {
        server = try HTTPServer(
            host: host, port: port, group: try ServiceContext.sharedEventLoopGroup(), tls: nil,
            responder: MetricsResponder(metrics: metrics))
    }

    func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown(timeout: .seconds(1))
    }
}

/// Answers `GET /metrics` with the Prometheus text of `metrics`, anything else 404 `NOT_FOUND`.
struct MetricsResponder: HTTPResponder {
    /// The registry rendered.
    let metrics: MetricsRegistry

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        guard request.method == .get || request.method == .head, request.path == "/metrics" else {
            return RouterError.notFound.response(requestID: RequestID.resolve(request.headers["X-Request-Id"]))
        }
        return RouteResponse(status: 200, body: nil, text: metrics.render()).http
    }
}
