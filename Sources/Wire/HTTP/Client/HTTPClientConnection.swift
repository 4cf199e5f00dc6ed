import Synchronization

/// One HTTP/1.1 connection of the client: a ``ConnectionHandler`` on Wire's event loop that sends a request,
/// feeds what arrives to an ``HTTPResponseParser`` and hands the response to the waiting task. One exchange
/// at a time (no pipelining). The head timeout is a timer on the loop; a timeout, a malformed or oversized
/// response, a lost connection or the caller's cancellation aborts the connection and fails the exchange.
///
/// `@unchecked Sendable`: the mutable state is touched only on `loop`'s thread (every entry point hops
/// there); ``isReusable`` is an atomic.
final class HTTPClientConnection: ConnectionHandler, @unchecked Sendable {
    /// The loop that owns the connection.
    let loop: EventLoop
    /// Whether it has carried a response already (a reused connection may have been closed by the server).
    private(set) var exchanges = 0
    private var connection: Connection?
    private var parser: HTTPResponseParser
    private var waiter: CheckedContinuation<HTTPClientResponse, any Error>?
    private var headTimer: EventLoop.Scheduled?
    private var idleTimer: EventLoop.Scheduled?
    private var failure: HTTPClientError?
    private let reusable = Atomic<Bool>(true)

    private init(loop: EventLoop, limits: HTTPResponseParser.Limits) {
        self.loop = loop
        self.parser = HTTPResponseParser(limits: limits)
    }

    /// Connects to the first of `addresses` that accepts (TLS from the first byte with `tls`, checking the
    /// certificate against `serverName`, sent as SNI).
    static func connect(
        to addresses: [SocketAddress], tls: TLSContext?, serverName: String, on loop: EventLoop, timeout: Duration,
        limits: HTTPResponseParser.Limits
    ) async throws(HTTPClientError) -> HTTPClientConnection {
        let handler = HTTPClientConnection(loop: loop, limits: limits)
        do {
            _ = try await TCPConnector.connect(
                to: addresses, on: loop, options: ConnectionOptions(handshakeTimeout: timeout), tls: tls,
                serverName: serverName, timeout: timeout
            ) { connection in
                handler.connection = connection
                return handler
            }
        } catch let error as TCPError where error == .connectTimeout || error == .handshakeTimeout {
            throw HTTPClientError(.connectTimeout, error.description)
        } catch let error as TLSError {
            throw HTTPClientError(.tlsFailed, error.description)
        } catch {
            throw HTTPClientError(.connectFailed, String(describing: error))
        }
        return handler
    }

    /// False once the connection failed, closed, or must not carry another request.
    var isReusable: Bool { reusable.load(ordering: .acquiring) }

    /// Sends `bytes` (a request with `method`) and waits for the complete response; the head must arrive
    /// within `headTimeout`. Cancelling the calling task aborts the connection.
    func exchange(_ bytes: [UInt8], method: HTTPMethod, headTimeout: Duration) async throws(HTTPClientError) -> HTTPClientResponse {
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    loop.execute { self.start(bytes, method: method, headTimeout: headTimeout, continuation: continuation) }
                }
            } onCancel: {
                loop.execute { self.fail(HTTPClientError(.cancelled, "the request was cancelled")) }
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(.cancelled, "the request was cancelled")
        }
    }

    /// Keeps the connection for a later request; closes it if none comes within `timeout`.
    func park(idleTimeout timeout: Duration) {
        loop.execute {
            // The pool may hand the connection out before this runs: the timer closes it only if no
            // exchange started since.
            let parkedAfter = self.exchanges
            guard self.waiter == nil else { return }
            self.idleTimer = self.loop.schedule(after: timeout) { [self] in
                self.loop.execute {
                    guard self.waiter == nil, self.exchanges == parkedAfter else { return }
                    self.close()
                }
            }
        }
    }

    /// Closes the connection (no exchange is waiting).
    func close() {
        loop.execute {
            self.markFailed(HTTPClientError(.connectionClosed, "the connection was closed"))
            self.connection?.close()
        }
    }

    // MARK: ConnectionHandler (loop thread)

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        parser.append(contentsOf: bytes)
        do {
            if let response = try parser.next() { deliver(response) }
            if parser.hasHead { cancelHeadTimer() }
        } catch {
            fail(error)
        }
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        self.connection = nil
        do {
            if let response = try parser.finish() { deliver(response) }
            fail(HTTPClientError(.connectionClosed, "the server closed the connection"))
        } catch {
            fail(error)
        }
    }

    // MARK: internals (loop thread)

    private func start(
        _ bytes: [UInt8], method: HTTPMethod, headTimeout: Duration,
        continuation: CheckedContinuation<HTTPClientResponse, any Error>
    ) {
        idleTimer?.cancel()
        idleTimer = nil
        if var failure {
            failure.closedBeforeResponse = true  // nothing was sent on it: safe to send again elsewhere
            failure.requestWasSent = false
            continuation.resume(throwing: failure)
            return
        }
        precondition(waiter == nil, "one HTTP exchange at a time")
        waiter = continuation
        exchanges += 1
        parser.expectResponse(to: method)
        connection?.write(bytes)
        headTimer = loop.schedule(after: headTimeout) { [self] in
            loop.execute {
                guard self.waiter != nil, !self.parser.hasHead else { return }
                self.fail(HTTPClientError(.responseHeadTimeout, "the response head did not arrive in time"))
            }
        }
    }

    private func cancelHeadTimer() {
        headTimer?.cancel()
        headTimer = nil
    }

    private func deliver(_ response: HTTPClientResponse) {
        cancelHeadTimer()
        if !response.keepAlive { markFailed(HTTPClientError(.connectionClosed, "the server ended the connection")) }
        guard let waiter else { return }
        self.waiter = nil
        waiter.resume(returning: response)
    }

    private func markFailed(_ error: HTTPClientError) {
        if failure == nil { failure = error }
        reusable.store(false, ordering: .releasing)
    }

    /// Fails the connection once: the waiting exchange throws `error`, the socket is closed now.
    private func fail(_ error: HTTPClientError) {
        markFailed(error)
        cancelHeadTimer()
        idleTimer?.cancel()
        if let waiter {
            self.waiter = nil
            var error = error
            error.closedBeforeResponse = error.closedBeforeResponse && exchanges > 1
            waiter.resume(throwing: error)
        }
        connection?.abort()
    }
}
