/// The client end of one Wire connection: a ``ConnectionHandler`` on the connection's loop. It sends
/// HELLO, allocates call ids, writes REQUESTs and CANCELs, matches RESPONSE/ERROR frames to calls,
/// answers PINGs, pings a silent server, and handles GOAWAY (`docs/wire.md` §2, §6).
///
/// `@unchecked Sendable`: touched only on `loop`'s thread.
final class ClientConnection: ConnectionHandler, @unchecked Sendable {
    enum Phase {
        case awaitingHello
        case ready
        /// GOAWAY received: calls in flight finish, no new ones; closes once they have.
        case goingAway
        case closed
    }

    let connection: Connection
    let loop: EventLoop
    let slot: ClientConnectionSlot
    let attempt: Int
    let settings: ClientConnectionSlot.Settings
    private(set) var phase: Phase = .awaitingHello
    @exclusivity(unchecked) private var decoder: FrameDecoder
    @exclusivity(unchecked) private var encoder = FrameEncoder()
    private var nextCallID: UInt32 = 1
    @exclusivity(unchecked) private var calls: [UInt32: ClientCall] = [:]
    private var peerMaxConcurrentCalls = 1
    @exclusivity(unchecked) private var liveness: LivenessMonitor
    private var livenessTimer: EventLoop.Scheduled?
    private var helloTimer: EventLoop.Scheduled?
    /// Why the connection is ending, when we know better than the transport (GOAWAY, dead peer).
    private var closeReason: String?
    /// A protocol error was detected: the rest of the input is ignored.
    private var failed = false

    init(connection: Connection, slot: ClientConnectionSlot, attempt: Int, settings: ClientConnectionSlot.Settings) {
        self.connection = connection
        self.loop = connection.eventLoop
        self.slot = slot
        self.attempt = attempt
        self.settings = settings
        self.decoder = FrameDecoder(maxFrameLength: settings.configuration.maxFrameLength)
        self.liveness = LivenessMonitor(
            interval: settings.configuration.pingInterval, timeout: settings.configuration.pingTimeout,
            now: Posix.monotonicNanoseconds())
    }

    /// Whether a new call may go out now.
    @inline(__always)
    var canStartCall: Bool {
        self.phase == .ready && self.calls.count < self.peerMaxConcurrentCalls && self.nextCallID != 0
    }

    /// Whether the connection still takes calls (maybe after others finish).
    var isOpen: Bool { self.phase == .ready && self.nextCallID != 0 }

    // MARK: ConnectionHandler

    func connectionActive(_ connection: Connection) {
        let hello = Frame.Hello(settings: Frame.Hello.Settings(maxFrameLength: self.settings.configuration.maxFrameLength))
        try? self.encoder.appendHello(hello)
        self.flushEncoder()
        self.helloTimer = self.loop.scheduleOnLoop(after: self.settings.configuration.helloTimeout) { [self] in
            guard self.phase == .awaitingHello else { return }
            self.closeReason = "no HELLO from the server"
            self.connection.abort()
        }
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        self.liveness.received(at: Posix.monotonicNanoseconds())
        self.decoder.append(bytes)
        do {
            while self.phase != .closed, !self.failed, let frame = try self.decoder.next() {
                self.handle(frame)
            }
        } catch {
            let code: WireError.Code = error.code == .frameTooLarge ? .resourceExhausted : .invalidArgument
            self.protocolViolation("malformed frame", code: code)
        }
        self.flushEncoder()
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        let wasReady = self.phase == .ready || self.phase == .goingAway
        self.phase = .closed
        self.helloTimer?.cancel()
        self.helloTimer = nil
        self.livenessTimer?.cancel()
        self.livenessTimer = nil
        var details = ["service": self.settings.service]
        if let reason = self.closeReason {
            details["cause"] = reason
        } else if let error {
            details["cause"] = String(describing: error)
        }
        let calls = self.calls
        self.calls.removeAll()
        let failure = WireError(.unavailable, "the connection to the service was lost", details: details)
        for call in calls.values {
            call.connection = nil
            call.fail(failure)
        }
        if wasReady {
            self.slot.connectionClosed(self)
        } else {
            let cause: any Error = error ?? WireError(.unavailable, self.closeReason ?? "closed before HELLO")
            self.slot.attemptFailed(attempt: self.attempt, error: cause)
        }
    }

    // MARK: frames

    private func handle(_ frame: Frame) {
        switch frame {
        case .response(let callID, let body):
            guard let call = self.calls.removeValue(forKey: callID) else { return }
            call.connection = nil
            call.succeed(body: body)
            self.callEnded()
        case .error(let callID, let error):
            guard let call = self.calls.removeValue(forKey: callID) else { return }
            call.connection = nil
            call.fail(error)
            self.callEnded()
        case .hello(let hello):
            self.helloReceived(hello)
        case .ping(let data):
            self.encoder.appendPong(data)
        case .pong:
            break  // liveness is noted on every read
        case .goAway(let goAway):
            self.goAwayReceived(goAway)
        case .request, .cancel:
            self.protocolViolation("a server sent a client frame", code: .invalidArgument)
        }
    }

    private func helloReceived(_ hello: Frame.Hello) {
        guard self.phase == .awaitingHello, hello.versions == [Frame.Hello.currentVersion] else {
            self.protocolViolation("unexpected HELLO", code: .invalidArgument)
            return
        }
        self.helloTimer?.cancel()
        self.helloTimer = nil
        self.phase = .ready
        self.encoder.maxFrameLength = hello.settings.maxFrameLength
        self.peerMaxConcurrentCalls = hello.settings.maxConcurrentCalls
        self.armLivenessTimer(after: self.liveness.firstCheck)
        self.slot.connectionReady(self, attempt: self.attempt)
    }

    private func goAwayReceived(_ goAway: Frame.GoAway) {
        if self.phase == .awaitingHello {
            self.closeReason = "refused by the server (\(goAway.code))"
            self.connection.close()
            return
        }
        guard self.phase == .ready else { return }
        self.phase = .goingAway
        self.slot.connectionGoingAway(self)
        // Calls above the last id were not processed: safe to send elsewhere.
        let retry = self.calls.filter { $0.key > goAway.lastCallID }
        for (callID, call) in retry.sorted(by: { $0.key < $1.key }) {
            self.calls.removeValue(forKey: callID)
            call.connection = nil
            call.lastFailure = WireError(.unavailable, "the server is draining")
            call.releaseEndpoint()
            call.client.dispatch(call)
        }
        if self.calls.isEmpty { self.connection.close() }
    }

    // MARK: calls

    /// Sends `call`'s REQUEST (the caller checked ``canStartCall``).
    func start(_ call: ClientCall) {
        if let deadline = call.context.deadline, deadline <= .now {
            call.fail(WireError(.deadlineExceeded, "the deadline passed before the call was sent"))
            return
        }
        let callID = self.nextCallID
        do {
            try call.encodeRequest(into: &self.encoder, callID: callID)
        } catch let error as FrameError where error.code == .frameTooLarge {
            call.fail(WireError(.resourceExhausted, "the request is larger than the server accepts"))
            return
        } catch {
            call.fail(WireError(.invalidArgument, "the request does not encode",
                                details: ["reason": String(describing: error)]))
            return
        }
        self.nextCallID &+= 1
        call.callID = callID
        call.connection = self
        self.calls[callID] = call
        self.flushEncoder()
    }

    /// The caller gave up on `call`: CANCEL it (`docs/wire.md` §6.3).
    func cancel(_ call: ClientCall) {
        guard call.callID != 0, self.calls.removeValue(forKey: call.callID) != nil else { return }
        call.connection = nil
        if self.phase == .ready || self.phase == .goingAway {
            try? self.encoder.appendCancel(callID: call.callID)
            self.flushEncoder()
        }
        self.callEnded()
    }

    @inline(__always)
    private func callEnded() {
        switch self.phase {
        case .ready:
            self.slot.roomAvailable(on: self)
        case .goingAway:
            if self.calls.isEmpty { self.connection.close() }
        case .awaitingHello, .closed:
            break
        }
    }

    /// Sends GOAWAY (code ok, last call id 0) and closes once written (``WireClient/close()``).
    func closeGracefully() {
        guard self.phase != .closed else { return }
        try? self.encoder.appendGoAway(Frame.GoAway(lastCallID: 0, code: .ok, reason: "client closing"))
        self.flushEncoder()
        self.closeReason = "the client closed"
        self.connection.close()
    }

    // MARK: helpers

    private func protocolViolation(_ reason: String, code: WireError.Code) {
        let lastCallID = self.nextCallID &- 1
        try? self.encoder.appendGoAway(Frame.GoAway(lastCallID: lastCallID, code: code, reason: reason))
        self.flushEncoder()
        self.closeReason = "protocol error: \(reason)"
        self.failed = true
        if self.phase == .ready { self.phase = .goingAway }
        self.connection.close()
    }

    @inline(__always)
    private func flushEncoder() {
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
        guard self.phase != .closed else { return }
        switch self.liveness.timerFired(at: Posix.monotonicNanoseconds()) {
        case .wait(let after):
            self.armLivenessTimer(after: after)
        case .sendPing(let data, let after):
            self.encoder.appendPing(data)
            self.flushEncoder()
            self.armLivenessTimer(after: after)
        case .peerDead:
            self.livenessTimer = nil
            self.closeReason = "the server did not answer a PING"
            self.connection.abort()
        }
    }
}
