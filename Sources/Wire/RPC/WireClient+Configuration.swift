extension WireClient {
    /// Settings of a ``WireClient``. Defaults follow `docs/wire.md` §6 and §9.
    public struct Configuration: Sendable {
        /// Bound on TCP connect plus TLS handshake to one endpoint (a Router must answer 503 within 1 s
        /// when a service is down).
        public var connectTimeout: Duration
        /// The first wait before trying an endpoint again after it failed.
        public var reconnectBackoffInitial: Duration
        /// The longest wait between attempts.
        public var reconnectBackoffMaximum: Duration
        /// The random fraction of each wait, 0…1.
        public var reconnectJitter: Double
        /// Silence after which the client pings a connection.
        public var pingInterval: Duration
        /// How long a PING may go unanswered before the connection is closed and its calls fail `unavailable`.
        public var pingTimeout: Duration
        /// How long the server may take to answer the client's HELLO.
        public var helloTimeout: Duration
        /// The largest frame this client accepts (announced in its HELLO; ≥ 64 KiB).
        public var maxFrameLength: Int

        /// Creates a configuration.
        public init(
            connectTimeout: Duration = .seconds(1),
            reconnectBackoffInitial: Duration = .milliseconds(100),
            reconnectBackoffMaximum: Duration = .seconds(5),
            reconnectJitter: Double = 0.2,
            pingInterval: Duration = .seconds(10),
            pingTimeout: Duration = .seconds(5),
            helloTimeout: Duration = .seconds(10),
            maxFrameLength: Int = Frame.defaultMaxFrameLength
        ) {
            self.connectTimeout = connectTimeout
            self.reconnectBackoffInitial = reconnectBackoffInitial
            self.reconnectBackoffMaximum = reconnectBackoffMaximum
            self.reconnectJitter = reconnectJitter
            self.pingInterval = pingInterval
            self.pingTimeout = pingTimeout
            self.helloTimeout = helloTimeout
            self.maxFrameLength = min(max(maxFrameLength, Frame.minimumMaxFrameLength), Int(UInt32.max))
        }
    }
}
