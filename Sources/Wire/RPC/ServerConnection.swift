/// The server end of one Wire connection: a ``ConnectionHandler`` living on the connection's loop. It
/// answers HELLO, decodes frames, dispatches calls (``ServerConnection+Calls.swift``), answers PINGs,
/// pings a silent client, and drains on GOAWAY. Its rules live in the pure ``ServerConnectionState``.
///
/// `@unchecked Sendable`: every property is touched only on `loop`'s thread (handler callbacks, timers,
/// and call tasks whose executor preference is that loop); other threads reach it through `loop.execute`.
final class ServerConnection: ConnectionHandler, @unchecked Sendable {
    /// What every connection of one server shares; immutable.
    final class Shared: Sendable {
        let server: WireServer
        let methods: ServerMethodTable
        let configuration: WireServer.Configuration
        let settings: Frame.Hello.Settings

        init(server: WireServer, methods: ServerMethodTable) {
            self.server = server
            self.methods = methods
            self.configuration = server.configuration
            self.settings = Frame.Hello.Settings(
                maxFrameLength: server.configuration.maxFrameLength,
                maxConcurrentCalls: server.configuration.maxConcurrentCalls)
        }
    }

    /// One call whose handler has not returned yet.
    struct ActiveCall {
        var task: Task<Void, Never>?
        var deadlineTimer: EventLoop.Scheduled?
        /// The call already got its ERROR (deadline, drain timeout) or was cancelled: the handler's result
        /// is dropped.
        var answered = false
    }

    let connection: Connection
    let loop: EventLoop
    let shared: Shared
    var state: ServerConnectionState
    @exclusivity(unchecked) var decoder: FrameDecoder
    @exclusivity(unchecked) var encoder = FrameEncoder()
    @exclusivity(unchecked) var calls: [UInt32: ActiveCall] = [:]
    /// The client's service name, from its certificate (set when the connection becomes active).
    var caller: String?
    @exclusivity(unchecked) var liveness: LivenessMonitor
    var livenessTimer: EventLoop.Scheduled?
    var helloTimer: EventLoop.Scheduled?
    private var registered = false

    init(connection: Connection, shared: Shared) {
        self.connection = connection
        self.loop = connection.eventLoop
        self.shared = shared
        self.state = ServerConnectionState(maxConcurrentCalls: shared.configuration.maxConcurrentCalls)
        self.decoder = FrameDecoder(maxFrameLength: shared.configuration.maxFrameLength)
        self.liveness = LivenessMonitor(
            interval: shared.configuration.pingInterval, timeout: shared.configuration.pingTimeout,
            now: Posix.monotonicNanoseconds())
        self.registered = shared.server.connectionOpened(self)
        if !self.registered {
            // Shutting down: refuse. The connection is not started yet; close it right after.
            self.loop.executeOnLoop { [connection] in connection.close() }
        }
    }

    // MARK: ConnectionHandler

    func connectionActive(_ connection: Connection) {
        self.caller = connection.peerIdentity
        self.helloTimer = self.loop.scheduleOnLoop(after: self.shared.configuration.helloTimeout) { [self] in
            if self.state.phase == .awaitingHello { self.connection.close() }
        }
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.liveness.received(at: Posix.monotonicNanoseconds())
        self.decoder.append(bytes)
        do {
            let eagerFlushBytes = self.shared.configuration.eagerFlushBytes ?? Int.max
            while self.state.phase != .closed, let frame = try self.decoder.next() {
                self.handle(frame)
                if self.encoder.bytes.count >= eagerFlushBytes {
                    // Send what is answered so far; the rest of the read's answers follow at the end of the tick.
                    self.flushEncoder()
                    self.connection.flush()
                }
            }
        } catch {
            let code: WireError.Code = error.code == .frameTooLarge ? .resourceExhausted : .invalidArgument
            self.closeWithGoAway(self.state.protocolViolation("malformed frame", code: code))
        }
        self.flushEncoder()
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.state.closed()
        self.helloTimer?.cancel()
        self.helloTimer = nil
        self.livenessTimer?.cancel()
        self.livenessTimer = nil
        for call in self.calls.values {
            call.deadlineTimer?.cancel()
            call.task?.cancel()
        }
        self.calls.removeAll()
        if self.registered {
            self.registered = false
            self.shared.server.connectionClosed(self)
        }
    }

    // MARK: frames

    private func handle(_ frame: Frame) {
        if self.state.phase == .awaitingHello {
            guard case .hello(let hello) = frame else {
                self.closeWithGoAway(self.state.protocolViolation("the first frame must be HELLO"))
                return
            }
            self.helloReceived(hello)
            return
        }
        switch frame {
        case .request(let callID, let request):
            self.requestReceived(callID: callID, request)
        case .cancel(let callID):
            self.cancelReceived(callID: callID)
        case .ping(let data):
            self.encoder.appendPong(data)
        case .pong, .goAway:
            break  // liveness is noted on every read; a client's GOAWAY only means it sends no more calls
        case .hello:
            self.closeWithGoAway(self.state.protocolViolation("a second HELLO"))
        case .response, .error:
            self.closeWithGoAway(self.state.protocolViolation("a client sent a server frame"))
        }
    }

    private func helloReceived(_ hello: Frame.Hello) {
        self.helloTimer?.cancel()
        self.helloTimer = nil
        switch self.state.helloReceived(hello) {
        case .answer(let version):
            self.encoder.maxFrameLength = hello.settings.maxFrameLength
            try? self.encoder.appendHello(Frame.Hello(versions: [version], settings: self.shared.settings))
            self.liveness.received(at: Posix.monotonicNanoseconds())
            self.armLivenessTimer(after: self.liveness.firstCheck)
        case .reject(let goAway):
            self.closeWithGoAway(goAway)
        }
    }

    // MARK: drain

    /// Starts a graceful drain (from ``WireServer/shutdownGracefully(timeout:)``).
    func drain() {
        switch self.state.drainRequested() {
        case .sendGoAway(let goAway, let closeNow):
            try? self.encoder.appendGoAway(goAway)
            self.flushEncoder()
            if closeNow { self.connection.close() }
        case .close:
            self.connection.close()
        case .none:
            break
        }
    }

    /// The drain deadline passed: fail what is still running with `unavailable` and close.
    func forceClose() {
        guard self.state.phase != .closed else { return }
        for (callID, call) in self.calls where !call.answered {
            self.calls[callID]?.answered = true
            call.deadlineTimer?.cancel()
            call.task?.cancel()
            self.appendError(callID: callID, WireError(.unavailable, "the server shut down before the call finished"))
        }
        self.flushEncoder()
        self.state.closed()
        self.connection.close()
        // A client that stopped reading must not hold the shutdown: abort whatever is left soon after.
        _ = self.loop.scheduleOnLoop(after: .seconds(1)) { [connection] in connection.abort() }
    }

    // MARK: helpers

    /// Sends GOAWAY and closes (a connection error, a refused HELLO).
    func closeWithGoAway(_ goAway: Frame.GoAway) {
        try? self.encoder.appendGoAway(goAway)
        self.flushEncoder()
        self.state.closed()
        self.connection.close()
    }

    /// Moves the encoded frames into the connection's buffer (sent at the end of the loop tick).
    @inline(__always)
    func flushEncoder() {
        guard !self.encoder.bytes.isEmpty else { return }
        self.connection.write(self.encoder.bytes)
        self.encoder.removeAll()
    }

    private func armLivenessTimer(after nanoseconds: UInt64) {
        self.livenessTimer = self.loop.scheduleOnLoop(after: .nanoseconds(Int64(clamping: nanoseconds))) { [self] in
            self.livenessTimerFired()
        }
    }

    private func livenessTimerFired() {
        guard self.state.phase != .closed else { return }
        switch self.liveness.timerFired(at: Posix.monotonicNanoseconds()) {
        case .wait(let after):
            self.armLivenessTimer(after: after)
        case .sendPing(let data, let after):
            self.encoder.appendPing(data)
            self.flushEncoder()
            self.armLivenessTimer(after: after)
        case .peerDead:
            self.livenessTimer = nil
            self.connection.abort()
        }
    }
}
