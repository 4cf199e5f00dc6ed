/// The two clocks of an HTTP connection, as a pure value (times are monotonic nanoseconds passed in, so
/// tests drive them):
/// - a request must arrive whole within `requestTimeout` of its first byte (then 408 and close);
/// - a connection with nothing in progress closes after `idleTimeout`.
struct HTTPConnectionDeadlines {
    /// What ran out.
    enum Expiry: Equatable {
        case none
        case request
        case idle
    }

    let requestTimeout: UInt64
    let idleTimeout: UInt64
    /// The first byte of the request being received arrived then; nil between requests.
    private(set) var requestStartedAt: UInt64?
    /// The connection has had nothing to do since then; nil while busy.
    private(set) var idleSince: UInt64?

    init(requestTimeout: Duration, idleTimeout: Duration) {
        self.requestTimeout = EventLoop.nanoseconds(requestTimeout)
        self.idleTimeout = EventLoop.nanoseconds(idleTimeout)
    }

    /// Bytes of a new request arrived (no effect while one is already being received).
    mutating func requestStarted(at now: UInt64) {
        if self.requestStartedAt == nil { self.requestStartedAt = now }
    }

    /// Starts the request clock again (the server, not the client, held the request up).
    mutating func requestRestarted(at now: UInt64) {
        self.requestStartedAt = now
    }

    /// The request being received is complete (or was refused).
    mutating func requestEnded() {
        self.requestStartedAt = nil
    }

    /// Whether the connection has nothing in progress (no partial request, no response pending).
    mutating func idleChanged(_ idle: Bool, at now: UInt64) {
        if !idle {
            self.idleSince = nil
        } else if self.idleSince == nil {
            self.idleSince = now
        }
    }

    /// The earliest instant at which something runs out, or nil.
    var nextDeadline: UInt64? {
        let request = self.requestStartedAt.map { $0 &+ self.requestTimeout }
        let idle = self.idleSince.map { $0 &+ self.idleTimeout }
        switch (request, idle) {
        case (let request?, let idle?): return min(request, idle)
        case (let request?, nil): return request
        case (nil, let idle?): return idle
        case (nil, nil): return nil
        }
    }

    /// What has run out at `now` (the request clock first).
    func expiry(at now: UInt64) -> Expiry {
        if let started = self.requestStartedAt, now &- started >= self.requestTimeout { return .request }
        if let since = self.idleSince, now &- since >= self.idleTimeout { return .idle }
        return .none
    }
}
