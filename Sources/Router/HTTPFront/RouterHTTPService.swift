import Foundation
import ServiceKit
import Wire

/// The public HTTP(S) server as a ``Service``: binds at start, logs the bound port, and on shutdown stops
/// accepting and lets requests in flight finish (``HTTPServer/shutdown(timeout:)``).
///
/// It runs on the process's shared event loops (``ServiceContext/sharedEventLoopGroup()``), the same loops the
/// Wire clients use: a handler's Wire call then goes out on the connection slot of the request's own loop, with
/// no thread hop there and back (two cross-core wake-ups per call otherwise).
final class RouterHTTPService: Service {
    /// The server.
    let server: HTTPServer
    private let drainTimeout: Duration

    /// Binds `host:port` (0 for any free port) with `responder`, using `tls` when given.
    init(host: String, port: Int, tls: TLSContext?, drainTimeout: Duration, responder: RouterResponder) throws {
        self.drainTimeout = drainTimeout
        self.server = try HTTPServer(
            host: host, port: port, group: try ServiceContext.sharedEventLoopGroup(), tls: tls, responder: responder)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await server.shutdown(timeout: drainTimeout)
    }
}

/// Builds the Router's services in start order: key sync, the rate-limit sync, housekeeping, the metrics
/// listener, then the HTTP server.
enum RouterServices {
    /// The services for `config` over the opened `database`.
    static func build(config: RouterConfig, context: ServiceContext, database: DatabaseService) async throws -> [any Service] {
        let services: any ServiceDirectory =
            try WireServiceDirectory(config: config, group: try ServiceContext.sharedEventLoopGroup())
            ?? EmptyServiceDirectory()
        let app = RouterApp(
            config: config, database: database.pool, logger: context.logger, metrics: context.metrics,
            services: services)
        let sync = app.sync(listener: try app.makeListener(configuration: database.pool.configuration))
        try await sync.reloadAll()
        let tls = try config.tls.map {
            try TLSContext.server(
                certificateChainPath: $0.certificatePath, privateKeyPath: $0.keyPath, trustRootsPath: nil,
                requireClientCertificate: false)
        }
        let http = try RouterHTTPService(
            host: config.httpHost, port: config.httpPort, tls: tls, drainTimeout: config.drainTimeout,
            responder: RouterResponder(app: app))
        context.logger.info("http listening", metadata: [LogKey("http.port"): .int(http.server.port)])
        let metrics = try MetricsHTTPService(host: config.metricsHost, port: config.metricsPort, metrics: context.metrics)
        context.logger.info("metrics listening", metadata: [LogKey("metrics.port"): .int(metrics.server.port)])
        // Identity's signing keys and session revocations stay current in their own services (none when
        // identity is not configured), started before the HTTP server, which comes last.
        return [database, sync, app.rateLimitSync(), Housekeeping(app: app), SignupSweeper(saga: app.signupSaga)]
            + app.identityServices + [metrics, http]
    }
}

/// Deletes webhook ids and idempotency rows past their 24 h, rate usage totals idle for a day, every 10
/// minutes, and idle rate-limit buckets.
struct Housekeeping: Service {
    /// The replica's state.
    let app: RouterApp

    func run() async throws {
        var elapsed = 0
        while !Task.isShuttingDownGracefully {
            do { try await Task.sleep(for: .seconds(1)) } catch { return }
            elapsed += 1
            guard elapsed % 600 == 0 else { continue }
            let now = Date()
            app.limiter.evictIdle(now: .now)
            do {
                try await app.webhookEvents.prune(now: now)
                try await app.idempotency.prune(now: now)
                try await app.rateUsage.prune()
            } catch {
                app.logger.warning("housekeeping failed", metadata: [.errorType: .errorType(error)])
            }
        }
    }
}
