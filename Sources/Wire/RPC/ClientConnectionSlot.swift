import Dispatch

/// The connection of one ``WireClient`` endpoint on one event loop: at most one connection, made on
/// demand, and the calls waiting for it (while it connects, or while the server's concurrency limit is
/// reached). Loop-confined.
///
/// `@unchecked Sendable`: every property is touched only on `loop`'s thread, except `endpoint` and
/// `settings`, which are set once before the client is used.
final class ClientConnectionSlot: @unchecked Sendable {
    /// What connecting needs; shared by every slot of a client.
    struct Settings: Sendable {
        let service: String
        let tls: TLSContext
        let serverName: String
        let configuration: WireClient.Configuration
    }

    enum State {
        case idle
        case connecting(attempt: Int)
        case ready(ClientConnection)
    }

    let loop: EventLoop
    weak var endpoint: ClientEndpoint?
    var settings: Settings?
    private(set) var state: State = .idle
    private var attempt = 0
    /// Calls waiting for the connection, oldest first (finished ones are skipped when taken).
    @exclusivity(unchecked) private var pending: [ClientCall] = []
    private var pendingHead = 0
    private var closed = false

    init(loop: EventLoop) {
        self.loop = loop
    }

    /// Sends `call` now, or queues it (connecting first if needed).
    func submit(_ call: ClientCall) {
        if self.closed {
            call.fail(WireError(.unavailable, "the client is closed"))
            return
        }
        switch self.state {
        case .ready(let connection):
            if connection.canStartCall && self.pendingHead == self.pending.count {
                connection.start(call)
            } else if connection.isOpen {
                self.pending.append(call)
            } else {
                self.state = .idle
                self.pending.append(call)
                self.connect()
            }
        case .connecting:
            self.pending.append(call)
        case .idle:
            self.pending.append(call)
            self.connect()
        }
    }

    private func connect() {
        guard let settings = self.settings, let endpoint = self.endpoint else { return }
        self.attempt += 1
        let attempt = self.attempt
        self.state = .connecting(attempt: attempt)
        let address = endpoint.address
        let options = ConnectionOptions(handshakeTimeout: settings.configuration.connectTimeout)
        let start: @Sendable ([SocketAddress]) -> Void = { [self] addresses in
            TCPConnector.connect(
                to: addresses, on: self.loop, options: options, tls: settings.tls, serverName: settings.serverName,
                timeout: settings.configuration.connectTimeout,
                handler: { connection in
                    ClientConnection(connection: connection, slot: self, attempt: attempt, settings: settings)
                },
                completion: { result in
                    if case .failure(let error) = result { self.attemptFailed(attempt: attempt, error: error) }
                })
        }
        if let numeric = try? SocketAddress(ipAddress: address.host, port: address.port) {
            start([numeric])
        } else {
            DispatchQueue.global().async { [self] in
                let result = Result { () throws(TCPError) in try SocketAddress.resolve(host: address.host, port: address.port) }
                self.loop.execute {
                    switch result {
                    case .success(let addresses): start(addresses)
                    case .failure(let error): self.attemptFailed(attempt: attempt, error: error)
                    }
                }
            }
        }
    }

    // MARK: events from the connection

    /// The server answered HELLO: the connection takes calls.
    func connectionReady(_ connection: ClientConnection, attempt: Int) {
        guard case .connecting(let current) = self.state, current == attempt, !self.closed else {
            connection.closeGracefully()
            return
        }
        self.state = .ready(connection)
        self.endpoint?.attemptSucceeded()
        self.startPending(on: connection)
    }

    /// Connecting failed (TCP, TLS, HELLO): back off, and send the waiting calls elsewhere (or fail them).
    func attemptFailed(attempt: Int, error: any Error) {
        guard case .connecting(let current) = self.state, current == attempt else { return }
        self.state = .idle
        self.endpoint?.attemptFailed()
        var details = ["service": self.settings?.service ?? "", "cause": String(describing: error)]
        if let address = self.endpoint?.address { details["endpoint"] = address.description }
        self.redispatchPending(after: WireError(.unavailable, "cannot reach the service", details: details))
    }

    /// A ready connection received GOAWAY: no new calls on it; the next call opens a new connection.
    func connectionGoingAway(_ connection: ClientConnection) {
        guard case .ready(let current) = self.state, current === connection else { return }
        self.state = .idle
        // The server is leaving: route new calls to other endpoints while it backs off.
        self.endpoint?.attemptFailed()
        self.redispatchPending(after: WireError(.unavailable, "the server is draining"))
    }

    /// A ready connection closed.
    func connectionClosed(_ connection: ClientConnection) {
        guard case .ready(let current) = self.state, current === connection else { return }
        self.state = .idle
        self.endpoint?.connectionLost()
        self.redispatchPending(after: WireError(.unavailable, "the connection to the service was lost"))
    }

    /// A call on `connection` ended: start waiting calls while there is room.
    @inline(__always)
    func roomAvailable(on connection: ClientConnection) {
        guard self.pendingHead < self.pending.count else { return }
        self.startPending(on: connection)
    }

    /// Closes the connection and fails the waiting calls (``WireClient/close()``).
    func close() {
        self.closed = true
        if case .ready(let connection) = self.state { connection.closeGracefully() }
        self.state = .idle
        let calls = self.takePending()
        for call in calls { call.fail(WireError(.unavailable, "the client is closed")) }
    }

    // MARK: queue

    private func startPending(on connection: ClientConnection) {
        while self.pendingHead < self.pending.count, connection.canStartCall {
            let call = self.pending[self.pendingHead]
            self.pendingHead += 1
            if !call.isFinished { connection.start(call) }
        }
        if self.pendingHead == self.pending.count {
            self.pending.removeAll(keepingCapacity: true)
            self.pendingHead = 0
        }
    }

    private func takePending() -> ArraySlice<ClientCall> {
        let calls = self.pending[self.pendingHead...]
        self.pending = []
        self.pendingHead = 0
        return calls
    }

    private func redispatchPending(after failure: WireError) {
        for call in self.takePending() where !call.isFinished {
            call.lastFailure = failure
            call.releaseEndpoint()
            call.client.dispatch(call)
        }
    }
}
