extension HTTPClient {
    /// Finds the addresses to connect to for a URL's host and port. The default looks the name up; an
    /// outbound guard (ServiceKit's `GuardedHTTPClient`) plugs in here to refuse internal targets and to
    /// pin the addresses it checked. Throw an ``HTTPClientError`` to choose the code the caller sees
    /// (another error becomes ``HTTPClientError/Code/resolveFailed``).
    public typealias Resolver = @Sendable (_ url: HTTPClientURL) async throws -> [SocketAddress]

    /// Timeouts, limits, TLS and the address seam.
    public struct Configuration: Sendable {
        /// The TCP connect and the TLS handshake, each. Default 10 s.
        public var connectTimeout: Duration
        /// From the request being written to the end of the response's head. Default 30 s.
        public var responseHeadTimeout: Duration
        /// The whole exchange (waiting for a pooled connection, connecting, sending, reading the body)
        /// unless `send` is given its own. Default 60 s.
        public var timeout: Duration
        /// The largest response body read; a larger one fails with ``HTTPClientError/Code/responseTooLarge``
        /// and closes the connection. Default 1 MiB.
        public var maxResponseBytes: Int
        /// The most bytes of status line and headers. Default 16 KiB.
        public var maxResponseHeadBytes: Int
        /// Connections open to one origin at once; more requests wait. Default 8.
        public var maxConnectionsPerOrigin: Int
        /// How long a kept-alive connection waits for its next request. Default 30 s.
        public var idleTimeout: Duration
        /// The context for `https://` (nil: ``TLSContext/publicClient(extraTrustRoots:useSystemTrustStore:)``,
        /// the system's roots). Host names are checked and sent as SNI.
        public var tls: TLSContext?
        /// Where to connect (nil: look the host up).
        public var resolver: Resolver?

        /// A configuration with the defaults above, changed by the arguments given.
        public init(
            connectTimeout: Duration = .seconds(10), responseHeadTimeout: Duration = .seconds(30),
            timeout: Duration = .seconds(60), maxResponseBytes: Int = 1 << 20, maxResponseHeadBytes: Int = 16 * 1024,
            maxConnectionsPerOrigin: Int = 8, idleTimeout: Duration = .seconds(30), tls: TLSContext? = nil,
            resolver: Resolver? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.responseHeadTimeout = responseHeadTimeout
            self.timeout = timeout
            self.maxResponseBytes = max(maxResponseBytes, 0)
            self.maxResponseHeadBytes = max(maxResponseHeadBytes, 64)
            self.maxConnectionsPerOrigin = max(maxConnectionsPerOrigin, 1)
            self.idleTimeout = idleTimeout
            self.tls = tls
            self.resolver = resolver
        }

        var parserLimits: HTTPResponseParser.Limits {
            HTTPResponseParser.Limits(maxHeadSize: maxResponseHeadBytes, maxBodySize: maxResponseBytes)
        }
    }
}
