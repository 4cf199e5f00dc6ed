import Wire

/// Every route the Router serves, each with its pipeline composed once (``RouterPipeline``); the responder
/// matches against it and the OpenAPI document is generated from the same declarations.
struct RouteTable: Sendable {
    /// A route and its composed pipeline.
    final class Entry: Sendable {
        /// The declaration.
        let route: Route
        /// Its stages and handler, as one chain.
        let responder: RouteResponder

        init(route: Route, responder: @escaping RouteResponder) {
            self.route = route
            self.responder = responder
        }
    }

    /// The routes with their pipelines, in declaration order.
    let entries: [Entry]

    /// The declarations, in order.
    var routes: [Route] { entries.map(\.route) }

    /// The table of `routes`, each behind `pipeline`'s stages.
    init(routes: [Route], pipeline: RouterPipeline) {
        entries = routes.map { Entry(route: $0, responder: pipeline.responder(for: $0)) }
    }

    /// The entry for `method` and the decoded `path`, with its parameters; 404 `NOT_FOUND` when no template
    /// matches, 405 `METHOD_NOT_ALLOWED` (with `Allow`) when one matches with another method.
    func match(method: HTTPMethod, path: String?) throws(RouterError) -> (Entry, [String: String]) {
        guard var path else { throw .notFound }
        var allowed: [String] = []
        let found: (Entry, [String: String])? = path.withUTF8 { bytes in
            let segments = fileprivateSegments(bytes)
            for entry in entries {
                let route = entry.route
                guard let parameters = route.path.match(bytes, segments: segments) else { continue }
                if route.method == method || (method == .head && route.method == .get) { return (entry, parameters) }
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
