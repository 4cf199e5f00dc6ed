import Foundation
import ServiceKit
import Wire

/// The Router's one HTTP responder — the edge of the pipeline: the request id, the route match, then the
/// matched route's composed stages and handler (``RouterPipeline``), then error bodies, `X-Request-Id` and
/// `RateLimit-*` headers, the access log line and metrics.
///
/// ```swift
/// let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: RouterResponder(app: app))
/// ```
///
/// `GET /healthz` is answered on the event loop without a task (``respondImmediately(to:context:)``).
struct RouterResponder: HTTPResponder {
    /// The replica's state (logs and metrics at the edge; the table was built from it).
    let app: RouterApp
    /// The routes with their pipelines.
    let table: RouteTable
    /// Whose `X-Forwarded-For` names the client.
    let proxies: TrustedProxies

    /// The responder of `app`'s routes, plus `extraRoutes` (tests).
    init(app: RouterApp, extraRoutes: [Route] = []) {
        self.app = app
        self.proxies = app.config.trustedProxies
        self.table = RouteTable(routes: RouterRoutes.all(app) + extraRoutes, pipeline: RouterPipeline(app: app))
    }

    func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
        guard request.method == .get || request.method == .head, request.path == "/healthz" else { return nil }
        var response = HTTPResponse.json(#"{"status":"ok"}"#)
        response.headers.add(name: "X-Request-Id", value: RequestID.resolve(request.headers["X-Request-Id"]))
        return response
    }

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        let start = ContinuousClock.now
        let requestID = RequestID.resolve(request.headers["X-Request-Id"])
        var route = "unmatched"
        var key: KeyRecord?
        var rateLimit: RateLimitDecision?
        var response: HTTPResponse
        do {
            let (entry, parameters) = try table.match(method: request.method, path: request.decodedPath)
            route = entry.route.path.text
            var routeContext = RequestContext(
                request: request, parameters: parameters, requestID: requestID,
                clientAddress: proxies.clientAddress(
                    peer: context.remoteAddress?.host, forwardedFor: request.headers.values(for: "X-Forwarded-For")),
                eventLoop: context.eventLoop, now: Date())
            defer {
                key = routeContext.key
                rateLimit = routeContext.rateLimit
            }
            response = try await entry.responder(&routeContext)
        } catch let error as RouterError {
            response = error.response(requestID: requestID)
        } catch let error as PostgresError where error.isUnavailable {
            // The Router's own database (keys, idempotency, projects) is down: retry shortly, as for a service.
            app.logger.warning("database unavailable", metadata: [
                .requestID: .string(requestID), LogKey("http.route"): .string(route), .errorCode: .string("\(error.code)"),
            ])
            response = RouterError.serviceUnavailable.response(requestID: requestID)
        } catch {
            app.logger.error("handler failed", metadata: [
                .requestID: .string(requestID), LogKey("http.route"): .string(route), .errorType: .errorType(error),
            ])
            response = RouterError.internalError.response(requestID: requestID)
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        if let rateLimit {
            for (name, value) in rateLimit.headers { response.headers.replaceOrAdd(name: name, value: value) }
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        app.metrics.observe(route: route, method: request.method.rawValue, status: response.status.code, seconds: seconds)
        if app.logger.isEnabled(.info) {
            var metadata: Logger.Metadata = [
                LogKey("http.method"): .string(request.method.rawValue), LogKey("http.route"): .string(route),
                LogKey("http.status"): .int(response.status.code), .durationSeconds: .double(seconds),
                .requestID: .string(requestID),
            ]
            if let key {
                metadata[.projectID] = .string(key.projectID)
                metadata[LogKey("key.id")] = .string(key.id)
            }
            app.logger.info("request", metadata: metadata)
        }
        return response
    }
}
