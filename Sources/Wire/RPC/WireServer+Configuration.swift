extension WireServer {
    /// Settings of a ``WireServer``. Defaults follow `docs/wire.md` §9.
    public struct Configuration: Sendable {
        /// This service's name, reported by `wire.Ping` (optional).
        public var serviceName: String?
        /// The largest frame this server accepts (announced in its HELLO; ≥ 64 KiB).
        public var maxFrameLength: Int
        /// Calls that may run at once per connection (announced in its HELLO); past it, `resourceExhausted`.
        public var maxConcurrentCalls: Int
        /// The longest remaining time a call may ask for; longer deadlines are cut to it.
        public var maxDeadline: Duration
        /// How long a client may take to send its HELLO after the TLS handshake.
        public var helloTimeout: Duration
        /// Silence after which the server pings a client.
        public var pingInterval: Duration
        /// How long a PING may go unanswered before the client is considered dead.
        public var pingTimeout: Duration
        /// How long `run()` drains when its task is cancelled.
        public var drainTimeout: Duration
        /// Transport settings of accepted connections.
        public var connectionOptions: ConnectionOptions
        /// Answers are sent as soon as this many bytes of them are buffered while a read's REQUESTs are being
        /// handled, rather than all at the end of the tick (nil: end of tick only). With many calls per read
        /// this lets the client work on the first answers while the server computes the rest, instead of
        /// both taking turns a whole batch at a time (`docs/benchmarks.md`: +7–48 % calls/s at c=64, for
        /// ~0.3 µs more server CPU per call).
        public var eagerFlushBytes: Int?
        /// Called (on a connection's loop) when a handler throws something that is not a ``WireError``: the
        /// caller only gets `internal`, so this is where the real error reaches the service's log.
        public var onHandlerError: (@Sendable (_ method: String, _ error: any Error) -> Void)?

        /// Creates a configuration; numbers are clamped to what the spec allows.
        public init(
            serviceName: String? = nil,
            maxFrameLength: Int = Frame.defaultMaxFrameLength,
            maxConcurrentCalls: Int = 1024,
            maxDeadline: Duration = .seconds(300),
            helloTimeout: Duration = .seconds(10),
            pingInterval: Duration = .seconds(10),
            pingTimeout: Duration = .seconds(5),
            drainTimeout: Duration = .seconds(10),
            connectionOptions: ConnectionOptions = ConnectionOptions(),
            eagerFlushBytes: Int? = 2048,
            onHandlerError: (@Sendable (_ method: String, _ error: any Error) -> Void)? = nil
        ) {
            self.serviceName = serviceName
            self.maxFrameLength = min(max(maxFrameLength, Frame.minimumMaxFrameLength), Int(UInt32.max))
            self.maxConcurrentCalls = min(max(maxConcurrentCalls, 1), Int(UInt32.max))
            self.maxDeadline = max(maxDeadline, .milliseconds(1))
            self.helloTimeout = helloTimeout
            self.pingInterval = pingInterval
            self.pingTimeout = pingTimeout
            self.drainTimeout = drainTimeout
            self.connectionOptions = connectionOptions
            self.eagerFlushBytes = eagerFlushBytes.map { max($0, 1) }
            self.onHandlerError = onHandlerError
        }
    }
}
