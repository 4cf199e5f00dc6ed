import Foundation
import ServiceKit
import Wire

/// The Router's one HTTP responder: request id, route match, auth, rate limit, JSON checks, idempotency,
/// the handler under its deadline, error bodies, the access log line and metrics.
///
/// ```swift
/// let server = try HTTPServer(host: "127.0.0.1", port: 0, group: group, responder: RouterResponder(app: app))
/// ```
///
/// `GET /healthz` is answered on the event loop without a task (``respondImmediately(to:context:)``).
struct RouterResponder: HTTPResponder {
    /// The replica's state.
    let app: RouterApp

    /// What one exchange learned on its way, for headers, the access log and metrics.
    struct Exchange: Sendable {
        /// The request id.
        var requestID: String
        /// The matched route template, or `unmatched`.
        var route = "unmatched"
        /// The authenticated project.
        var projectID: String?
        /// The authenticated key.
        var keyID: String?
        /// The rate-limit decision to report in headers (keyed routes).
        var rateLimit: RateLimitDecision?
    }

    func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
        guard request.method == .get || request.method == .head, request.path == "/healthz" else { return nil }
        var response = HTTPResponse.json(#"{"status":"ok"}"#)
        response.headers.add(name: "X-Request-Id", value: RequestID.resolve(request.headers["X-Request-Id"]))
        return response
    }

    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
        let start = ContinuousClock.now
        var exchange = Exchange(requestID: RequestID.resolve(request.headers["X-Request-Id"]))
        var response: HTTPResponse
        do {
            response = try await handle(request, context: context, exchange: &exchange)
        } catch let error as RouterError {
            response = error.response(requestID: exchange.requestID)
        } catch {
            app.logger.error("handler failed", metadata: [
                .requestID: .string(exchange.requestID), LogKey("http.route"): .string(exchange.route),
                .errorType: .errorType(error),
            ])
            response = RouterError.internalError.response(requestID: exchange.requestID)
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: exchange.requestID)
        if let decision = exchange.rateLimit {
            for (name, value) in decision.headers { response.headers.replaceOrAdd(name: name, value: value) }
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        app.metrics.observe(
            route: exchange.route, method: request.method.rawValue, status: response.status.code, seconds: seconds)
        if app.logger.isEnabled(.info) {
            var metadata: Logger.Metadata = [
                LogKey("http.method"): .string(request.method.rawValue), LogKey("http.route"): .string(exchange.route),
                LogKey("http.status"): .int(response.status.code), .durationSeconds: .double(seconds),
                .requestID: .string(exchange.requestID),
            ]
            if let projectID = exchange.projectID { metadata[.projectID] = .string(projectID) }
            if let keyID = exchange.keyID { metadata[LogKey("key.id")] = .string(keyID) }
            app.logger.info("request", metadata: metadata)
        }
        return response
    }

    private func handle(
        _ request: HTTPRequest, context: HTTPRequestContext, exchange: inout Exchange
    ) async throws -> HTTPResponse {
        let (route, parameters) = try app.table.match(method: request.method, path: request.decodedPath)
        exchange.route = route.path.text
        let now = Date()
        let address = context.remoteAddress.map(\.host)
        let key = try authenticate(request, route: route, now: now, exchange: &exchange)
        try checkRateLimit(route: route, key: key, address: address, exchange: &exchange)
        if !route.rawBody, !request.body.isEmpty, !fileprivateIsJSON(request.headers["Content-Type"]) {
            throw RouterError.unsupportedMediaType
        }
        var routeRequest = RouteRequest(
            app: app, http: request, parameters: parameters, key: key, requestID: exchange.requestID,
            clientAddress: address, deadline: .now + route.deadline)
        if route.auth == .keyAndBearer, let key {
            let claims = try await app.bearer.authenticate(
                authorization: request.headers["Authorization"], projectID: key.projectID, now: now)
            routeRequest.subject = claims.sub
            routeRequest.sessionID = claims.sid
        }
        if route.idempotent, let idempotencyKey = request.headers["Idempotency-Key"] {
            return try await Idempotency(app: app).run(
                key: idempotencyKey, scope: "\(key?.projectID ?? "admin") \(route.method) \(route.path.text)",
                request: routeRequest, now: now) { try await self.run(route, routeRequest, on: context.eventLoop) }
        }
        return try await run(route, routeRequest, on: context.eventLoop)
    }

    /// Runs the handler under the route's deadline (``RouteDeadline``: a timer on the connection's loop that
    /// cancels this task) and renders its response.
    func run(_ route: Route, _ request: RouteRequest, on loop: EventLoop) async throws -> HTTPResponse {
        let result = try await RouteDeadline.run(route.deadline, on: loop) { try await route.handler(request) }
        guard let result else { throw RouterError.upstreamTimeout }
        var response = HTTPResponse(status: HTTPResponse.Status(code: result.status))
        if let body = result.body {
            response = HTTPResponse.jsonBody(body, status: response.status)
        } else if let text = result.text {
            response.headers.add(name: "Content-Type", value: MetricsRegistry.contentType)
            response.body = Array(text.utf8)
        }
        for (name, value) in result.headers { response.headers.add(name: name, value: value) }
        return response
    }

    private func authenticate(
        _ request: HTTPRequest, route: Route, now: Date, exchange: inout Exchange
    ) throws -> KeyRecord? {
        switch route.auth {
        case .none: return nil
        case .admin:
            guard let token = request.headers["X-Admin-Token"],
                ConstantTime.equals(token, app.config.adminToken.value)
            else { throw RouterError.forbidden }
            return nil
        case .anyKey, .secretKey, .keyAndBearer:
            guard let presented = request.headers["X-API-Key"] else { throw RouterError.missingAPIKey }
            guard case .valid(let record) = app.registry.authenticate(presented, now: now) else {
                throw RouterError.invalidAPIKey
            }
            exchange.projectID = record.projectID
            exchange.keyID = record.id
            app.usage.record(keyID: record.id, at: now)
            if route.auth == .secretKey, record.kind != .secret { throw RouterError.forbidden }
            return record  // `.keyAndBearer`: the token is checked after the rate limit (`BearerAuthenticator`).
        }
    }

    private func checkRateLimit(
        route: Route, key: KeyRecord?, address: String?, exchange: inout Exchange
    ) throws {
        let decision: RateLimitDecision
        let scope: String
        if let key {
            decision = app.limiter.check(
                key: .project(key.projectID), limit: app.limits.limit(for: key.projectID), now: .now)
            exchange.rateLimit = decision
            scope = "project"
        } else if route.limitsByAddress, let address {
            decision = app.limiter.check(key: .address(address), limit: app.addressLimit, now: .now)
            scope = "address"
        } else {
            return
        }
        guard decision.isAllowed else {
            app.metrics.rateLimited(scope: scope)
            throw RouterError.rateLimited(retryAfter: decision.retryAfter ?? 1)
        }
    }
}

/// Whether a `Content-Type` names JSON (`application/json`, parameters allowed).
fileprivate func fileprivateIsJSON(_ contentType: String?) -> Bool {
    guard let contentType else { return false }
    let media = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
    return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
}

