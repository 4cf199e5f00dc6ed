/// One HTTP connection of an ``HTTPServer``: feeds the parser, starts responders, writes their responses
/// in request order, and runs the request and idle clocks. Lives on its connection's loop; every method
/// runs on that loop's thread (`@unchecked Sendable` so responder tasks can hand responses back).
final class HTTPServerConnection: ConnectionHandler, @unchecked Sendable {
    /// A request read and not yet answered on the wire.
    struct Slot {
        var response: HTTPResponse?
        let headRequest: Bool
        var connectionField: HTTPResponseEncoder.ConnectionField
        /// Close the connection once this response is written.
        var closeAfter: Bool
        /// The request was HTTP/1.0 (no chunked encoding for a streamed body).
        var http10 = false
    }

    let connection: Connection
    let core: HTTPServerCore
    let loopState: HTTPServerLoopState
    var parser: HTTPParser
    var deadlines: HTTPConnectionDeadlines
    var context: HTTPRequestContext
    /// Pending responses, oldest first; `slots[0]` has id `firstSlotID`.
    var slots: [Slot] = []
    var firstSlotID: UInt64 = 0
    /// The request being read asked for `100 Continue`, not sent yet (earlier responses go first).
    var continueOwed = false
    /// No more requests are read: one asked to close, one was refused, the input ended, or draining.
    var stopReading = false
    var inputClosed = false
    var draining = false
    var isClosed = false
    var timer: EventLoop.Scheduled?
    var timerDeadline: UInt64?
    /// `slots[0]`'s body is being streamed (``streamBody(_:of:)``); the responses behind it wait.
    var streaming = false
    /// A streamed body waiting for the connection to drain, resumed when it is writable again or closes.
    var writableWaiter: CheckedContinuation<Void, Never>?
    /// Cuts off a reader that takes nothing of a streamed body for ``HTTPBodyStream/stallTimeout``.
    var streamStallTimer: EventLoop.Scheduled?

    init(connection: Connection, core: HTTPServerCore) {
        self.connection = connection
        self.core = core
        self.loopState = core.loopStates[ObjectIdentifier(connection.eventLoop)]!
        self.parser = HTTPParser(limits: core.configuration.limits)
        self.deadlines = HTTPConnectionDeadlines(
            requestTimeout: core.configuration.requestTimeout, idleTimeout: core.configuration.idleTimeout)
        self.context = HTTPRequestContext(remoteAddress: nil, isSecure: core.isSecure, eventLoop: connection.eventLoop)
        self.loopState.connections[ObjectIdentifier(self)] = self
        core.openConnections.add(1, ordering: .relaxed)
    }

    // MARK: ConnectionHandler

    func connectionActive(_ connection: Connection) {
        self.context = HTTPRequestContext(
            remoteAddress: connection.remoteAddress, isSecure: self.core.isSecure, eventLoop: connection.eventLoop)
        if self.loopState.draining {
            self.closeConnection()
            return
        }
        self.refreshClocks(now: Posix.monotonicNanoseconds())
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        guard !self.stopReading else { return }
        let now = Posix.monotonicNanoseconds()
        if !self.parser.hasPartialRequest { self.deadlines.requestStarted(at: now) }
        self.parser.append(bytes)
        self.processInput(now: now)
        // Reading is paused (responses pending or the client not reading them) yet bytes keep coming:
        // bound what one connection may buffer. Pending responses still go out, then the connection closes.
        let limits = self.core.configuration.limits
        if !self.stopReading, self.parser.bufferedByteCount > limits.maxHeadSize + limits.maxBodySize + 65_536 {
            self.stopReading = true
            if self.slots.isEmpty { self.closeConnection() } else { self.closeAfterLastResponse() }
        }
    }

    func connectionWritabilityChanged(_ connection: Connection, writable: Bool) {
        guard writable else { return }
        if let waiter = self.writableWaiter {
            self.writableWaiter = nil
            waiter.resume()
        }
        self.processInput(now: Posix.monotonicNanoseconds())
    }

    func connectionInputClosed(_ connection: Connection) {
        self.inputClosed = true
        self.processInput(now: Posix.monotonicNanoseconds())
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.isClosed = true
        self.stopReading = true
        self.timer?.cancel()
        self.timer = nil
        self.slots = []
        self.streamStallTimer?.cancel()
        self.streamStallTimer = nil
        if let waiter = self.writableWaiter {
            self.writableWaiter = nil
            waiter.resume()
        }
        self.loopState.connections.removeValue(forKey: ObjectIdentifier(self))
        self.core.openConnections.subtract(1, ordering: .releasing)
    }

    // MARK: input

    /// Parses and dispatches requests until the input runs dry, reading pauses, or reading stops.
    func processInput(now: UInt64) {
        var inputExhausted = false
        while !self.stopReading && !self.isClosed {
            guard self.slots.count < self.core.configuration.maxPipelinedRequests, self.connection.isWritable else {
                break
            }
            let event: HTTPParser.Event?
            do {
                event = try self.parser.next()
            } catch {
                self.refuse(HTTPResponse.error(error, requestID: Self.makeRequestID()))
                break
            }
            guard let event else {
                inputExhausted = true
                break
            }
            switch event {
            case .continueExpected:
                self.continueOwed = true
            case .request(let request):
                self.continueOwed = false
                self.deadlines.requestEnded()
                if self.parser.hasPartialRequest { self.deadlines.requestStarted(at: now) }
                self.dispatch(request)
            }
        }
        if inputExhausted && self.inputClosed && !self.stopReading {
            // The client sent all it will: answer what was read, then close. A request cut short by the
            // end of input is dropped (there is no one to tell).
            self.stopReading = true
            self.deadlines.requestEnded()
            if self.slots.isEmpty {
                self.closeConnection()
            } else {
                self.closeAfterLastResponse()
            }
        }
        self.sendContinueIfDue()
        self.refreshClocks(now: now)
    }

    /// Starts answering a request: the synchronous fast path first, else a task on this loop.
    private func dispatch(_ request: HTTPRequest) {
        let closeAfter = !request.keepAlive || self.draining
        let field: HTTPResponseEncoder.ConnectionField =
            closeAfter ? .close : (request.version == .http1_0 ? .keepAlive : .none)
        let id = self.firstSlotID &+ UInt64(self.slots.count)
        self.slots.append(Slot(
            response: nil, headRequest: request.method == .head, connectionField: field, closeAfter: closeAfter,
            http10: request.version == .http1_0))
        if closeAfter { self.stopReading = true }
        let context = self.context
        let responder = self.core.responder
        if let response = responder.respondImmediately(to: request, context: context) {
            self.slots[self.slots.count - 1].response = response
            self.writeReadyResponses()
            return
        }
        let loop = self.connection.eventLoop
        Task(executorPreference: loop) { [self] in
            let response = await responder.respond(to: request, context: context)
            if loop.inEventLoop {
                self.responderFinished(id: id, response: response)
            } else {
                loop.execute { self.responderFinished(id: id, response: response) }
            }
        }
    }

    /// A responder task finished: write what is now in order, and read on if reading had paused.
    private func responderFinished(id: UInt64, response: HTTPResponse) {
        guard !self.isClosed, id >= self.firstSlotID else { return }
        let index = Int(id - self.firstSlotID)
        guard index < self.slots.count else { return }
        self.slots[index].response = response
        self.writeReadyResponses()
        self.processInput(now: Posix.monotonicNanoseconds())
    }

    /// Answers with `response` after the responses already pending, then closes; reads nothing more.
    private func refuse(_ response: HTTPResponse) {
        self.stopReading = true
        self.continueOwed = false
        self.deadlines.requestEnded()
        self.slots.append(Slot(response: response, headRequest: false, connectionField: .close, closeAfter: true))
        self.writeReadyResponses()
    }

    /// A random id for the JSON body of an error answered before any request id was known.
    static func makeRequestID() -> String {
        let value = UInt64.random(in: .min ... .max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
