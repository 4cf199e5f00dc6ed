/// Answers HTTP requests for an ``HTTPServer``.
///
/// The server first offers each request to ``respondImmediately(to:context:)`` on the connection's event
/// loop; if that returns nil, it runs ``respond(to:context:)`` in a `Task` whose executor preference is that
/// loop (no thread hop), and writes the response on the loop. Responses on one connection go out in request
/// order, whichever finishes first.
///
/// ```swift
/// struct Health: HTTPResponder {
///     func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
///         request.path == "/healthz" ? .json(#"{"status":"ok"}"#) : nil
///     }
///     func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse {
///         .json(#"{"error":"NOT_FOUND"}"#, status: .notFound)
///     }
/// }
/// ```
public protocol HTTPResponder: Sendable {
    /// The response to `request`. Runs on the connection's event loop (as its task executor); never block
    /// it: hand blocking work to another executor and `await` it.
    func respond(to request: HTTPRequest, context: HTTPRequestContext) async -> HTTPResponse

    /// A response computed synchronously on the event loop, or nil to go through ``respond(to:context:)``.
    /// For trivial routes (`/healthz`): it skips creating a task. It must be fast and must never block.
    /// The default returns nil.
    func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse?
}

extension HTTPResponder {
    /// Returns nil: every request goes through ``respond(to:context:)``.
    public func respondImmediately(to request: HTTPRequest, context: HTTPRequestContext) -> HTTPResponse? {
        nil
    }
}

/// Where a request came from.
public struct HTTPRequestContext: Sendable {
    /// The client's address (the TCP peer; a proxy's, behind one).
    public let remoteAddress: SocketAddress?
    /// Whether the connection is TLS.
    public let isSecure: Bool
    /// The loop that owns the connection (the responder's task executor).
    public let eventLoop: EventLoop

    /// A context (the server makes these; tests may too).
    public init(remoteAddress: SocketAddress?, isSecure: Bool, eventLoop: EventLoop) {
        self.remoteAddress = remoteAddress
        self.isSecure = isSecure
        self.eventLoop = eventLoop
    }
}
