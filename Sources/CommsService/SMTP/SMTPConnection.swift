import Synchronization
import Wire

/// The transport of one SMTP session: a ``ConnectionHandler`` on Wire's event loop that turns received bytes
/// into ``SMTPReply`` values and hands them, one per ``exchange(_:timeout:step:)``, to the task driving the
/// session. Every wait is bounded by a timer on the loop; a timeout, a protocol error or a lost connection
/// aborts the connection and fails the waiting step.
///
/// Commands go one at a time (no pipelining). A reply that arrives when none is expected (a `421` sent to
/// an idle connection) marks the connection unusable, as does any failure: see ``isUsable``.
///
/// `@unchecked Sendable`: the mutable state is touched only on `loop`'s thread (every entry point hops
/// there); ``isUsable`` is an atomic.
final class SMTPConnection: ConnectionHandler, @unchecked Sendable {
    /// The loop that owns the connection.
    let loop: EventLoop
    private var connection: Connection?
    private var parser = SMTPReplyParser()
    private var replies: [SMTPReply] = []
    private var waiter: CheckedContinuation<SMTPReply, any Error>?
    private var waiterTimer: EventLoop.Scheduled?
    /// Set once: the connection can't be used any more.
    private var failure: SMTPTransportError?
    /// Replies owed by the server for what was sent (the greeting counts as one).
    private var awaitedReplies = 1
    private let usable = Atomic<Bool>(true)

    private init(loop: EventLoop) {
        self.loop = loop
    }

    /// Connects (with TLS from the first byte when `tls` is given, checking the certificate against `host`).
    /// With `addresses` (checked by an outbound guard) it connects to exactly those, never resolving `host`.
    /// The greeting is not read yet: call ``exchange(_:timeout:step:)`` with no command for it.
    static func connect(
        host: String, port: Int, addresses: [SocketAddress]? = nil, tls: TLSContext?, on loop: EventLoop,
        timeout: Duration
    ) async throws(SMTPTransportError) -> SMTPConnection {
        let handler = SMTPConnection(loop: loop)
        let options = ConnectionOptions(handshakeTimeout: timeout)
        let attach: @Sendable (Connection) -> any ConnectionHandler = { connection in
            handler.connection = connection
            return handler
        }
        do {
            if let addresses {
                _ = try await TCPConnector.connect(
                    to: addresses, on: loop, options: options, tls: tls, serverName: host, timeout: timeout,
                    handler: attach)
            } else {
                _ = try await TCPConnector.connect(
                    host: host, port: port, on: loop, options: options, tls: tls,
                    serverName: tls == nil ? nil : host, timeout: timeout, handler: attach)
            }
        } catch {
            throw .connectFailed(String(describing: error))
        }
        return handler
    }

    /// False once the connection failed, closed, or received a reply nobody asked for.
    var isUsable: Bool { usable.load(ordering: .acquiring) }

    /// Sends `command` (already CRLF-terminated; nil: send nothing, e.g. for the greeting) and waits up to
    /// `timeout` for the next reply. `step` names the wait in a timeout's description.
    func exchange(_ command: [UInt8]?, timeout: Duration, step: String) async throws(SMTPTransportError) -> SMTPReply {
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    onLoop { self.start(command, continuation: continuation, timeout: timeout, step: step) }
                }
            } onCancel: {
                onLoop { self.fail(.cancelled) }
            }
        } catch let error as SMTPTransportError {
            throw error
        } catch {
            throw .cancelled
        }
    }

    /// Sends a command line (CRLF is added) and waits for its reply.
    func command(_ line: String, timeout: Duration, step: String) async throws(SMTPTransportError) -> SMTPReply {
        try await exchange(Array((line + "\r\n").utf8), timeout: timeout, step: step)
    }

    /// Upgrades to TLS after the relay's `220` to `STARTTLS`, verifying its certificate against `serverName`.
    /// Bytes already received after that `220` are a protocol violation (RFC 3207 §4.2: they could be
    /// injected by an attacker) and fail the upgrade.
    func startTLS(context: TLSContext, serverName: String) async throws(SMTPTransportError) {
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                onLoop { self.upgrade(context: context, serverName: serverName, continuation: continuation) }
            }
        } catch let error as SMTPTransportError {
            throw error
        } catch {
            throw .tls(String(describing: error))
        }
    }

    /// Sends `QUIT`, waits briefly for its reply, then closes.
    func quit(timeout: Duration) async {
        if isUsable { _ = try? await command("QUIT", timeout: timeout, step: "the reply to QUIT") }
        close()
    }

    /// Closes after sending what is buffered; no more replies are delivered.
    func close() {
        onLoop {
            if self.failure == nil { self.markFailed(.closed(nil)) }
            self.connection?.close()
        }
    }

    // MARK: ConnectionHandler (loop thread)

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        parser.append(bytes)
        do {
            while failure == nil, let reply = try parser.next() {
                deliver(reply)
            }
        } catch {
            fail(.protocolViolation(error.description))
        }
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        fail(.closed(error.map { String(describing: $0) }))
        self.connection = nil
    }

    // MARK: internals (loop thread)

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }

    private func start(
        _ command: [UInt8]?, continuation: CheckedContinuation<SMTPReply, any Error>, timeout: Duration, step: String
    ) {
        if let failure {
            continuation.resume(throwing: failure)
            return
        }
        precondition(waiter == nil, "one SMTP command at a time")
        if let command {
            awaitedReplies += 1
            connection?.write(command)
        }
        if !replies.isEmpty {
            continuation.resume(returning: replies.removeFirst())
            return
        }
        waiter = continuation
        waiterTimer = loop.schedule(after: timeout) { [self] in
            guard waiter != nil else { return }
            fail(.timeout(step: step))
        }
    }

    private func deliver(_ reply: SMTPReply) {
        if awaitedReplies == 0 {
            usable.store(false, ordering: .releasing)  // unsolicited (e.g. 421 on an idle connection)
        } else {
            awaitedReplies -= 1
        }
        if let waiter {
            self.waiter = nil
            waiterTimer?.cancel()
            waiterTimer = nil
            waiter.resume(returning: reply)
        } else {
            replies.append(reply)
        }
    }

    private func upgrade(context: TLSContext, serverName: String, continuation: CheckedContinuation<Void, any Error>) {
        if let failure {
            continuation.resume(throwing: failure)
            return
        }
        guard let connection else {
            continuation.resume(throwing: SMTPTransportError.closed(nil))
            return
        }
        guard !parser.hasBufferedInput, replies.isEmpty else {
            fail(.protocolViolation("data after the reply to STARTTLS"))
            continuation.resume(throwing: SMTPTransportError.protocolViolation("data after the reply to STARTTLS"))
            return
        }
        connection.startTLS(context: context, serverName: serverName) { result in
            switch result {
            case .success: continuation.resume()
            case .failure(let error): continuation.resume(throwing: SMTPTransportError.tls(String(describing: error)))
            }
        }
    }

    private func markFailed(_ error: SMTPTransportError) {
        failure = error
        usable.store(false, ordering: .releasing)
    }

    /// Fails the connection once: the waiting step throws `error`, the socket is closed now.
    private func fail(_ error: SMTPTransportError) {
        if failure == nil { markFailed(error) }
        if let waiter {
            self.waiter = nil
            waiterTimer?.cancel()
            waiterTimer = nil
            waiter.resume(throwing: failure ?? error)
        }
        connection?.abort()
    }
}
