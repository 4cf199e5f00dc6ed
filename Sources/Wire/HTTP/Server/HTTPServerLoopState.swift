/// What an ``HTTPServer`` keeps per event loop: the open connections (for a graceful shutdown) and the
/// `Date` cache. Touched only on its loop's thread (`@unchecked Sendable` so the server can hold it).
final class HTTPServerLoopState: @unchecked Sendable {
    let loop: EventLoop
    let dateCache = HTTPDateCache()
    var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    /// Set by the shutdown: connections that become active from now on close at once.
    var draining = false

    init(loop: EventLoop) {
        self.loop = loop
    }
}
