import Wire

/// The stages of every route, in order, composed once per route when the ``RouteTable`` is built:
///
/// 1. auth by ``Route/auth``: ``AdminAuthentication`` or ``APIKeyAuthentication`` (none for `.none`);
/// 2. ``RateLimitStage``: the key's project (its secret or publishable budget), then the client address on
///    routes that `limitsByAddress`;
/// 3. the route's own ``Route/middleware``;
/// 4. ``JSONContentType`` (unless the route takes its body raw);
/// 5. ``BearerAuthentication`` on `.keyAndBearer` routes (and `.keyOptionalBearer` ones, when a publishable
///    key sends `Authorization`), with the `aal` gate (``Route/acceptsAAL1``);
/// 6. ``IdempotencyStage`` on idempotent routes;
/// 7. ``DeadlineStage``, then the handler (which decodes its body, ``RequestBody``) and the rendering.
///
/// The edge before all of them — request id, route match, error bodies, the access log and metrics — is
/// ``RouterResponder``. The pipeline holds the replica's shared machinery (keys, buckets, stores the stages
/// need); handlers never see it.
struct RouterPipeline: Sendable {
    /// The operator token.
    let adminToken: String
    /// The keys, in memory.
    let registry: KeyRegistry
    /// Uses of keys to flush.
    let usage: KeyUsageRecorder
    /// The token buckets.
    let limiter: RateLimiter
    /// The project budgets.
    let limits: ProjectLimits
    /// The budget of one client address on unkeyed routes that limit by address.
    let addressLimit: RateLimit
    /// The budget of wrong admin tokens per client address.
    let wrongAdminTokenLimit: RateLimit
    /// The bearer check.
    let bearer: BearerAuthenticator
    /// Stored first responses.
    let idempotency: IdempotencyStore
    /// Metrics.
    let metrics: RouterMetrics

    /// The replica's pipeline.
    init(app: RouterApp) {
        adminToken = app.config.adminToken.value
        registry = app.registry
        usage = app.usage
        limiter = app.limiter
        limits = app.limits
        addressLimit = app.addressLimit
        wrongAdminTokenLimit = app.wrongAdminTokenLimit
        bearer = app.bearer
        idempotency = app.idempotency
        metrics = app.metrics
    }

    /// `route`'s stages around its handler, as one chain.
    func responder(for route: Route) -> RouteResponder {
        let handler = route.handler
        var next: RouteResponder = DeadlineStage(duration: route.deadline).wrapping { context in
            try await handler(context).http
        }
        if route.idempotent {
            next = IdempotencyStage(store: idempotency, route: "\(route.method) \(route.path.text)").wrapping(next)
        }
        if route.auth == .keyAndBearer || route.auth == .keyOptionalBearer {
            next = BearerAuthentication(
                bearer: bearer, acceptsAAL1: route.acceptsAAL1, optional: route.auth == .keyOptionalBearer
            ).wrapping(next)
        }
        if !route.rawBody { next = JSONContentType().wrapping(next) }
        for stage in route.middleware.reversed() { next = stage.wrapping(next) }
        if route.limitsByAddress {
            next = RateLimitStage(scope: .address(addressLimit), limiter: limiter, metrics: metrics).wrapping(next)
        }
        if route.auth.needsKey {
            next = RateLimitStage(scope: .project(limits), limiter: limiter, metrics: metrics).wrapping(next)
        }
        switch route.auth {
        case .none: break
        case .admin:
            next = AdminAuthentication(
                token: adminToken, limiter: limiter, wrongTokenLimit: wrongAdminTokenLimit, metrics: metrics
            ).wrapping(next)
        case .anyKey, .keyAndBearer, .keyOptionalBearer:
            next = APIKeyAuthentication(registry: registry, usage: usage, secretOnly: false).wrapping(next)
        case .secretKey:
            next = APIKeyAuthentication(registry: registry, usage: usage, secretOnly: true).wrapping(next)
        case .keyOrQueryKey:
            next = APIKeyAuthentication(registry: registry, usage: usage, secretOnly: false, acceptsQueryKey: true).wrapping(next)
        }
        return next
    }
}
