import Wire

/// Every route the Router serves, declared once; the responder matches against it and the OpenAPI document
/// is generated from it.
struct RouteTable: Sendable {
    /// The routes, in declaration order.
    let routes: [Route]

    /// The Router's table. Handlers reach the replica's state through the `RouterApp` passed at call time.
    static func make() -> RouteTable {
        RouteTable(
            routes: HealthRoutes.routes + ProjectRoutes.routes + KeyRoutes.routes + WebhookRoutes.routes
                + IdentityRoutes.routes + CommsRoutes.routes)
    }

    /// The route for `method` and the decoded `path`, with its parameters; 404 `NOT_FOUND` when no template
    /// matches, 405 `METHOD_NOT_ALLOWED` (with `Allow`) when one matches with another method.
    func match(method: HTTPMethod, path: String?) throws(RouterError) -> (Route, [String: String]) {
        guard let path else { throw .notFound }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let segments = Array(parts.last == "" && parts.count > 1 ? parts.dropLast() : parts)
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.path.match(segments) else { continue }
            if route.method == method || (method == .head && route.method == .get) { return (route, parameters) }
            allowed.append(route.method.rawValue)
        }
        guard allowed.isEmpty else { throw .methodNotAllowed(allow: allowed) }
        throw .notFound
    }
}
