import Wire

/// Runs one ``MailCatcherSession`` on one TCP connection: feeds it the bytes read, carries out its actions
/// (write a reply, store a message off the loop, close), and keeps the idle timer.
///
/// `@unchecked Sendable` so the timer and store callbacks can hop back to the connection's loop; every
/// property is touched only on that loop's thread.
final class MailCatcherConnection: ConnectionHandler, @unchecked Sendable {
    /// The connection this handler serves.
    let connection: Connection
    private let core: MailCatcherCore
    private var session: MailCatcherSession
    private var lastActivity = ContinuousClock.now
    private var idleTimer: EventLoop.Scheduled?
    /// The peer closed its side; we close ours once no store is pending.
    private var inputClosed = false

    /// A handler for a freshly accepted connection.
    init(connection: Connection, core: MailCatcherCore) {
        self.connection = connection
        self.core = core
        self.session = MailCatcherSession(maxMessageBytes: core.maxMessageBytes)
    }

    func connectionActive(_ connection: Connection) {
        guard core.register(self) else {
            run(session.shutdownRequested())
            return
        }
        run(session.connectionOpened())
        armIdleTimer(after: core.idleTimeout)
    }

    func connection(_ connection: Connection, received bytes: UnsafeRawBufferPointer) {
        lastActivity = .now
        run(session.received(bytes))
    }

    /// A peer that ends its input right after a message (`… .\r\n` then EOF) still gets the message stored
    /// and its reply before the connection closes.
    func connectionInputClosed(_ connection: Connection) {
        inputClosed = true
        if session.state != .storing { connection.close() }
    }

    func connectionClosed(_ connection: Connection, error: (any Error)?) {
        idleTimer?.cancel()
        idleTimer = nil
        core.unregister(self)
    }

    /// The catcher is stopping: `421` and close. Loop thread only.
    func shutdown() {
        run(session.shutdownRequested())
    }

    private func run(_ actions: [MailCatcherSession.Action]) {
        for action in actions {
            switch action {
            case .reply(let reply):
                connection.write(reply.bytes)
            case .store(let envelope):
                let loop = connection.eventLoop
                core.store(envelope) { [self] name in
                    loop.execute { self.stored(name) }
                }
            case .close:
                connection.close()
            }
        }
    }

    private func stored(_ name: String?) {
        lastActivity = .now
        if let name {
            run(session.messageStored(name: name))
        } else {
            run(session.messageNotStored())
        }
        if inputClosed { connection.close() }
    }

    /// Checks the time of the last input when the timer fires; re-arms for the remainder if there was some.
    private func armIdleTimer(after delay: Duration) {
        idleTimer = connection.eventLoop.schedule(after: delay) { [self] in
            guard !connection.isClosed else { return }
            let elapsed = ContinuousClock.now - lastActivity
            if elapsed >= core.idleTimeout {
                run(session.idleTimeoutPassed())
            } else {
                armIdleTimer(after: core.idleTimeout - elapsed)
            }
        }
    }
}
