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
        guard var path else { throw .notFound }
        var allowed: [String] = []
        let found: (Route, [String: String])? = path.withUTF8 { bytes in
            let segments = fileprivateSegments(bytes)
            for route in routes {
                guard let parameters = route.path.match(bytes, segments: segments) else { continue }
                if route.method == method || (method == .head && route.method == .get) { return (route, parameters) }
                allowed.append(route.method.rawValue)
            }
            return nil
        }
        if let found { return found }
        guard allowed.isEmpty else { throw .methodNotAllowed(allow: allowed) }
        throw .notFound
    }
}

/// The byte ranges of `path`'s segments, as `path.split(separator: "/", omittingEmptySubsequences: false)`
/// without its first part (what precedes the leading `/`) and without a trailing empty segment (`/a/`).
fileprivate func fileprivateSegments(_ path: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(8)
    var start = 0
    var first = true
    for index in 0...path.count where index == path.count || path[index] == UInt8(ascii: "/") {
        if !first { ranges.append(start..<index) }
        first = false
        start = index + 1
    }
    if ranges.count > 1, ranges[ranges.count - 1].isEmpty { ranges.removeLast() }
    return ranges
}
