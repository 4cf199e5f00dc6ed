extension HTTPServer {
    /// Limits and timeouts of an ``HTTPServer``; the defaults are the contract's.
    public struct Configuration: Sendable {
        /// Head, body and header-count limits (431, 413, 431).
        public var limits: HTTPParser.Limits
        /// A request must arrive whole within this long from its first byte, else 408 and close.
        public var requestTimeout: Duration
        /// A connection with no request in progress and no response pending closes after this long.
        public var idleTimeout: Duration
        /// Requests read ahead on one connection while earlier ones are still being answered; reading pauses
        /// beyond this (and while the client is not reading its responses).
        public var maxPipelinedRequests: Int
        /// The kernel's queue of not-yet-accepted connections.
        public var backlog: Int32

        /// A configuration; counts are clamped to at least 1.
        public init(
            limits: HTTPParser.Limits = HTTPParser.Limits(),
            requestTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(60),
            maxPipelinedRequests: Int = 16,
            backlog: Int32 = 1024
        ) {
            self.limits = limits
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maxPipelinedRequests = max(maxPipelinedRequests, 1)
            self.backlog = max(backlog, 1)
        }
    }
}
