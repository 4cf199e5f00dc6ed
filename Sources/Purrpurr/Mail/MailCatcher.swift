import Dispatch
import Foundation
import ServiceKit
import Synchronization
import Wire

/// The development mail catcher: a small SMTP server (plain TCP, no TLS, no AUTH) that accepts every message
/// and stores it as an `.eml` file in a folder, where `purrpurr mail` and ``CaughtMail`` read it. `purrpurr up`
/// points the dev CommsService at it (`SMTP_URL=smtp://127.0.0.1:PORT?tls=none`), so a newcomer can sign in by
/// magic link without any outside mail service.
///
/// ```swift
/// let group = try EventLoopGroup(loopCount: 1)
/// let catcher = try MailCatcher.start(directory: ".purrpurr/mail", group: group)
/// // SMTP_URL=smtp://127.0.0.1:\(catcher.port)?tls=none
/// await catcher.stop()
/// ```
///
/// The protocol lives in ``MailCatcherSession`` and the files in ``MailCatcherStore``. Development only: it
/// should listen on 127.0.0.1. Logs carry counts and file names, never addresses or message content.
final class MailCatcher: Sendable {
    private let listener: TCPListener
    private let core: MailCatcherCore

    private init(listener: TCPListener, core: MailCatcherCore) {
        self.listener = listener
        self.core = core
    }

    /// Creates `directory` (0700) if missing, binds and starts accepting.
    ///
    /// - Parameters:
    ///   - port: 0 lets the kernel choose; read it back from ``port``.
    ///   - maxMessageBytes: larger messages get `552` and are not stored (advertised as `SIZE`).
    ///   - idleTimeout: a connection silent this long gets `421` and is closed.
    static func start(
        directory: String, host: String = "127.0.0.1", port: Int = 0, group: EventLoopGroup,
        maxMessageBytes: Int = 10 << 20, idleTimeout: Duration = .seconds(300), logger: Logger = .disabled
    ) throws -> MailCatcher {
        let store = MailCatcherStore(directory: directory)
        try store.prepareDirectory()
        let core = MailCatcherCore(
            store: store, maxMessageBytes: maxMessageBytes, idleTimeout: idleTimeout, logger: logger)
        // The transport's own idle timeout is a backstop for a peer that never reads our 421.
        let options = ConnectionOptions(idleTimeout: idleTimeout + .seconds(30))
        let listener = try TCPListener(host: host, port: port, group: group, options: options) { connection in
            MailCatcherConnection(connection: connection, core: core)
        }
        logger.info("mail catcher listening", metadata: [.mailCatcherPort: .int(listener.port)])
        return MailCatcher(listener: listener, core: core)
    }

    /// The port the catcher listens on.
    var port: Int { listener.port }

    /// Messages stored since the start.
    var storedMessageCount: Int { core.storedCount.load(ordering: .relaxed) }

    /// Stops accepting, tells open sessions `421` and closes them, and waits (up to 5 s, then aborts what is
    /// left) until every connection is closed and every accepted message is on disk.
    func stop() async {
        listener.close()
        for handler in core.beginStopping() {
            handler.connection.eventLoop.execute { handler.shutdown() }
        }
        if !(await core.waitUntilIdle(within: .seconds(5))) {
            for handler in core.openHandlers() {
                handler.connection.eventLoop.execute { handler.connection.abort() }
            }
            _ = await core.waitUntilIdle(within: .seconds(2))
        }
        let stored = core.storedCount.load(ordering: .relaxed)
        core.logger.info("mail catcher stopped", metadata: [.mailCatcherStoredCount: .int(stored)])
    }
}

/// What every connection of one catcher shares: the store, the limits, the open connections.
final class MailCatcherCore: Sendable {
    private struct Registry {
        var handlers: [ObjectIdentifier: MailCatcherConnection] = [:]
        var stopping = false
    }

    /// Where messages go.
    let store: MailCatcherStore
    /// The size limit every session enforces.
    let maxMessageBytes: Int
    /// How long a session may stay silent.
    let idleTimeout: Duration
    /// Counts and file names only; never addresses or content.
    let logger: Logger
    /// Messages stored so far.
    let storedCount = Atomic<Int>(0)
    private let pendingWrites = Atomic<Int>(0)
    private let registry = Mutex(Registry())
    /// Files are written here, off the event loops, one at a time.
    private let queue = DispatchQueue(label: "purrpurr.mail-catcher.store")

    /// Shared state for one catcher.
    init(store: MailCatcherStore, maxMessageBytes: Int, idleTimeout: Duration, logger: Logger) {
        self.store = store
        self.maxMessageBytes = maxMessageBytes
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    /// Adds an open connection; false once stopping (the connection should close at once).
    func register(_ handler: MailCatcherConnection) -> Bool {
        registry.withLock { registry in
            guard !registry.stopping else { return false }
            registry.handlers[ObjectIdentifier(handler)] = handler
            return true
        }
    }

    /// Removes a closed connection.
    func unregister(_ handler: MailCatcherConnection) {
        _ = registry.withLock { $0.handlers.removeValue(forKey: ObjectIdentifier(handler)) }
    }

    /// Refuses new connections from now on and returns the open ones.
    func beginStopping() -> [MailCatcherConnection] {
        registry.withLock { registry in
            registry.stopping = true
            return Array(registry.handlers.values)
        }
    }

    /// The connections still open.
    func openHandlers() -> [MailCatcherConnection] {
        registry.withLock { Array($0.handlers.values) }
    }

    /// Writes `envelope` off the loop and hands the file name (nil on failure) to `completion` there.
    func store(_ envelope: MailCatcherEnvelope, completion: @escaping @Sendable (String?) -> Void) {
        pendingWrites.add(1, ordering: .relaxed)
        queue.async { [self] in
            let name: String?
            do {
                name = try self.store.store(envelope)
                storedCount.add(1, ordering: .relaxed)
                logger.debug("mail caught", metadata: [.mailCatcherFile: .string(name!)])
            } catch {
                name = nil
                let reason = (error as? MailCatcherStore.Failure)?.description ?? "unexpected error"
                logger.warning("mail catcher could not store a message", metadata: [
                    .errorType: LogValue.errorType(error), .mailCatcherError: .string(reason),
                ])
            }
            completion(name)
            pendingWrites.subtract(1, ordering: .releasing)
        }
    }

    /// Polls until no connection is open and no write is pending; false if `timeout` passed first.
    func waitUntilIdle(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !registry.withLock({ $0.handlers.isEmpty }) || pendingWrites.load(ordering: .acquiring) > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

extension LogKey {
    /// The catcher's TCP port.
    fileprivate static let mailCatcherPort = LogKey("mail_catcher.port")
    /// A caught message's file name (no address, no content).
    fileprivate static let mailCatcherFile = LogKey("mail_catcher.file")
    /// How many messages the catcher stored.
    fileprivate static let mailCatcherStoredCount = LogKey("mail_catcher.stored_count")
    /// Why a message could not be stored (a path and an errno text, never content).
    fileprivate static let mailCatcherError = LogKey("mail_catcher.error")
}
