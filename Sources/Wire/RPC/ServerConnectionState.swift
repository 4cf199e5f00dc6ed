/// The server side of one Wire connection as a pure value (`docs/wire.md` §2, §6): version agreement,
/// call id rules, the concurrency limit and drain. ``ServerConnection`` feeds it events and runs the
/// actions it returns; tests drive it without sockets.
struct ServerConnectionState: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        /// Waiting for the client's HELLO; nothing else is allowed.
        case awaitingHello
        /// Calls are accepted.
        case open
        /// GOAWAY sent: calls in flight finish, new ones get `unavailable`.
        case draining
        /// Closed (or closing): nothing more is processed.
        case closed
    }

    /// What to do with a client HELLO.
    enum HelloAction: Sendable, Hashable {
        /// Answer with a HELLO naming this version.
        case answer(version: UInt16)
        /// Send this GOAWAY and close.
        case reject(Frame.GoAway)
    }

    /// What to do with a REQUEST.
    enum RequestAction: Sendable, Hashable {
        /// Run the call (the caller checks method, caller and deadline next).
        case accept
        /// Answer ERROR with this code at once; the handler does not run; the connection stays.
        case refuse(WireError.Code, String)
        /// A protocol violation: send this GOAWAY and close.
        case connectionError(Frame.GoAway)
    }

    /// What to do when a drain starts.
    enum DrainAction: Sendable, Hashable {
        /// Send GOAWAY (code ok, this last call id); close now if `closeNow` (nothing in flight).
        case sendGoAway(Frame.GoAway, closeNow: Bool)
        /// The client never finished its HELLO: just close.
        case close
        /// Already draining or closed.
        case none
    }

    private(set) var phase: Phase = .awaitingHello
    /// The highest call id accepted (and processed).
    private(set) var lastAcceptedCallID: UInt32 = 0
    /// The highest call id seen in any REQUEST (ids must grow).
    private(set) var lastSeenCallID: UInt32 = 0
    /// Calls whose handler has not returned yet.
    private(set) var activeCalls = 0
    /// The limit this server announced.
    let maxConcurrentCalls: Int
    /// The versions this server speaks.
    let supportedVersions: [UInt16]

    init(maxConcurrentCalls: Int, supportedVersions: [UInt16] = [Frame.Hello.currentVersion]) {
        self.maxConcurrentCalls = max(1, maxConcurrentCalls)
        self.supportedVersions = supportedVersions
    }

    /// Any frame other than HELLO before the HELLO, or a malformed HELLO (decoding failed).
    mutating func protocolViolation(_ reason: String, code: WireError.Code = .invalidArgument) -> Frame.GoAway {
        self.phase = .closed
        return Frame.GoAway(lastCallID: self.lastAcceptedCallID, code: code, reason: reason)
    }

    /// The client's HELLO arrived.
    mutating func helloReceived(_ hello: Frame.Hello) -> HelloAction {
        guard self.phase == .awaitingHello else {
            return .reject(self.protocolViolation("a second HELLO"))
        }
        guard let version = Frame.Hello.negotiate(offered: hello.versions, supported: self.supportedVersions) else {
            self.phase = .closed
            return .reject(Frame.GoAway(lastCallID: 0, code: .unimplemented, reason: "no common protocol version"))
        }
        self.phase = .open
        return .answer(version: version)
    }

    /// A REQUEST for `callID` arrived.
    mutating func requestReceived(callID: UInt32) -> RequestAction {
        switch self.phase {
        case .awaitingHello:
            return .connectionError(self.protocolViolation("REQUEST before HELLO"))
        case .closed:
            return .refuse(.unavailable, "the connection is closing")
        case .open, .draining:
            break
        }
        guard callID > self.lastSeenCallID else {
            return .connectionError(self.protocolViolation("call ids must grow"))
        }
        self.lastSeenCallID = callID
        if self.phase == .draining {
            return .refuse(.unavailable, "the server is draining")
        }
        if self.activeCalls >= self.maxConcurrentCalls {
            return .refuse(.resourceExhausted, "too many concurrent calls on this connection")
        }
        self.lastAcceptedCallID = callID
        return .accept
    }

    /// An accepted call's handler started (counts against the limit until `callEnded`).
    mutating func callStarted() {
        self.activeCalls += 1
    }

    /// A running call's handler returned. Returns true if the connection should close now (drained).
    mutating func callEnded() -> Bool {
        self.activeCalls = max(0, self.activeCalls - 1)
        return self.phase == .draining && self.activeCalls == 0
    }

    /// A graceful drain was requested.
    mutating func drainRequested() -> DrainAction {
        switch self.phase {
        case .awaitingHello:
            self.phase = .closed
            return .close
        case .open:
            self.phase = .draining
            let goAway = Frame.GoAway(lastCallID: self.lastAcceptedCallID, code: .ok, reason: "drain")
            return .sendGoAway(goAway, closeNow: self.activeCalls == 0)
        case .draining, .closed:
            return .none
        }
    }

    /// The connection closed.
    mutating func closed() {
        self.phase = .closed
    }
}
