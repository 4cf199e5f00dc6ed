#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

/// One TCP connection (optionally TLS), owned by one ``EventLoop``; its ``ConnectionHandler`` is called on
/// that loop's thread.
///
/// - Reads: on readiness the socket is read until it is drained (edge-triggered epoll) into the loop's shared
///   buffer, and each chunk goes to the handler (decrypted first, with TLS).
/// - Writes: ``write(_:)`` only appends to a buffer; the loop sends everything written during a tick in one
///   `send` at the end of that tick (or at ``flush()``). If the kernel takes less, `EPOLLOUT` is armed until the
///   rest is gone. Buffered bytes above ``ConnectionOptions/highWaterMark`` make ``isWritable`` false.
/// - `TCP_NODELAY` is set; sends use `MSG_NOSIGNAL`.
///
/// All methods must be called on ``eventLoop``'s thread; from elsewhere, hop first:
/// `connection.eventLoop.execute { connection.write(bytes) }`.
///
/// `@unchecked Sendable` so it can be handed to the loop that owns it; its state is touched only on that loop.
public final class Connection: @unchecked Sendable {
    enum State {
        /// Created, not yet registered with the loop.
        case idle
        /// TLS handshake in progress; the handler has not seen `connectionActive`.
        case handshaking
        case active
        /// `close()` was called: flushing what is buffered, then closing.
        case closing
        case closed
    }

    /// The loop that owns this connection.
    public let eventLoop: EventLoop
    /// The peer's service name from its verified TLS certificate; nil without TLS or before the handshake.
    public internal(set) var peerIdentity: String?
    /// False while more than the high water mark of outbound bytes is buffered (see ``ConnectionOptions``).
    public internal(set) var isWritable = true

    let fd: CInt
    let options: ConnectionOptions
    var state: State = .idle
    var handler: (any ConnectionHandler)?
    var registration: IORegistration?

    /// Bytes waiting for the socket (ciphertext with TLS); `outboundOffset` of them were already sent.
    @exclusivity(unchecked) var outbound: [UInt8] = []
    var outboundOffset = 0
    /// With TLS: plaintext written this tick, encrypted in one go at the flush.
    @exclusivity(unchecked) var plaintext: [UInt8] = []
    var queuedForFlush = false
    /// `EPOLLOUT` is armed: the kernel buffer was full, the rest goes out when it drains.
    var waitingForWritable = false
    var inputClosed = false
    /// What the handler was last told about writability; differs from `isWritable` until the report runs.
    var reportedWritable = true
    var writabilityReportQueued = false
    var readContinuationQueued = false

    var lastActivity: UInt64 = 0
    var idleTimer: EventLoop.Scheduled?
    var handshakeTimer: EventLoop.Scheduled?
    var tls: TLSSession?
    /// Told once: when the connection becomes active, or fails before that (used by ``TCPConnector``).
    var activation: ((Result<Connection, any Error>) -> Void)?

    /// Wraps a connected, non-blocking socket. Call ``start(handler:tls:)`` on `eventLoop` next.
    init(fd: CInt, eventLoop: EventLoop, options: ConnectionOptions) {
        self.fd = fd
        self.eventLoop = eventLoop
        self.options = options
    }

    /// Whether the connection is active (and not closing or closed).
    public var isActive: Bool { self.state == .active }

    /// Whether the connection is fully closed.
    public var isClosed: Bool { self.state == .closed }

    /// The address of the peer, while open.
    public var remoteAddress: SocketAddress? {
        self.state == .closed ? nil : SocketAddress.of(socket: self.fd, peer: true)
    }

    /// The local address, while open.
    public var localAddress: SocketAddress? {
        self.state == .closed ? nil : SocketAddress.of(socket: self.fd, peer: false)
    }

    /// Registers the socket with the loop, creates the handler and, without TLS, makes the connection active.
    /// With TLS, the handshake starts (a client sends its hello) and the handler hears `connectionActive`
    /// once it completes. On failure the socket is closed and `activation` is told.
    func start(handler makeHandler: (Connection) -> any ConnectionHandler, tls: TLSSetup?) {
        assert(self.eventLoop.inEventLoop && self.state == .idle)
        do {
            try Posix.setOption(self.fd, level: CInt(IPPROTO_TCP), name: TCP_NODELAY, value: CInt(1))
            if let tls { self.tls = try TLSSession(context: tls.context, serverName: tls.serverName) }
            let events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
            self.registration = try self.eventLoop.register(fd: self.fd, events: events, target: self)
        } catch {
            self.state = .closed
            self.tls = nil
            Posix.close(self.fd)
            self.reportActivation(.failure(error))
            return
        }
        self.handler = makeHandler(self)
        if self.options.idleTimeout != nil {
            self.lastActivity = Posix.monotonicNanoseconds()
            self.armIdleTimer(after: self.options.idleTimeout!)
        }
        guard self.tls != nil else {
            self.becomeActive()
            return
        }
        self.state = .handshaking
        self.handshakeTimer = self.eventLoop.scheduleOnLoop(after: self.options.handshakeTimeout) { [self] in
            if self.state == .handshaking { self.finishClose(error: TCPError.handshakeTimeout) }
        }
        if tls?.serverName != nil {
            self.advanceTLS()  // the client speaks first
        }
    }

    func becomeActive() {
        self.state = .active
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        self.peerIdentity = self.tls?.peerIdentity
        self.handler?.connectionActive(self)
        self.reportActivation(.success(self))
        if !self.plaintext.isEmpty { self.queueFlush() }
    }

    private func reportActivation(_ result: Result<Connection, any Error>) {
        guard let activation = self.activation else { return }
        self.activation = nil
        activation(result)
    }

    /// Closes gracefully: what is buffered is sent (with TLS, then close_notify), then the socket is closed and
    /// the handler hears `connectionClosed(error: nil)`. Writes after this are dropped. A peer that stops
    /// reading holds the connection in this state until the idle timeout, if any; ``abort()`` does not wait.
    public func close() {
        assert(self.eventLoop.inEventLoop)
        switch self.state {
        case .idle, .closing, .closed:
            return
        case .handshaking:
            self.finishClose(error: nil)
        case .active:
            // The flush at the end of this tick sends what is buffered (and close_notify), then closes;
            // never from inside the handler callback that called close().
            self.state = .closing
            self.queueFlush()
        }
    }

    /// Closes now, dropping anything still buffered; the handler hears `connectionClosed(error: nil)`.
    public func abort() {
        assert(self.eventLoop.inEventLoop)
        self.finishClose(error: nil)
    }

    /// Closes the socket, cancels the timers, tells the handler (once, last) and drops it.
    func finishClose(error: (any Error)?) {
        guard self.state != .closed else { return }
        let wasActive = self.state == .active || self.state == .closing
        self.state = .closed
        self.idleTimer?.cancel()
        self.idleTimer = nil
        self.handshakeTimer?.cancel()
        self.handshakeTimer = nil
        if let registration = self.registration {
            self.eventLoop.deregister(registration)
            self.registration = nil
        }
        Posix.close(self.fd)
        self.outbound = []
        self.outboundOffset = 0
        self.plaintext = []
        self.tls = nil
        let handler = self.handler
        self.handler = nil
        handler?.connectionClosed(self, error: error)
        if !wasActive {
            self.reportActivation(.failure(error ?? TCPError.closedBeforeActive))
        }
    }

    // MARK: idle timeout

    private func armIdleTimer(after delay: Duration) {
        self.idleTimer = self.eventLoop.scheduleOnLoop(after: delay) { [self] in self.idleTimerFired() }
    }

    /// Checks the time of the last traffic: closes if it is older than the idle timeout, else re-arms for
    /// the remainder (so traffic never touches the timer heap).
    private func idleTimerFired() {
        guard self.state != .closed, let timeout = self.options.idleTimeout else { return }
        let limit = EventLoop.nanoseconds(timeout)
        let elapsed = Posix.monotonicNanoseconds() &- self.lastActivity
        if elapsed >= limit {
            self.finishClose(error: TCPError.idleTimeout)
        } else {
            self.armIdleTimer(after: .nanoseconds(Int64(limit - elapsed)))
        }
    }

    @inline(__always)
    func noteActivity() {
        if self.options.idleTimeout != nil { self.lastActivity = Posix.monotonicNanoseconds() }
    }
}

extension Connection: LoopSelectable {
    func eventLoopClosing() {
        self.finishClose(error: TCPError.eventLoopShutdown)
    }
}
