import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Receives `NOTIFY`s on a dedicated connection (its own thread, outside any pool) and yields them as an
/// async sequence, re-subscribing after every reconnect.
///
/// ```swift
/// let listener = try PostgresListener(configuration: config, channels: ["api_key_revoked"])
/// for await event in listener.events {
///     switch event {
///     case .listening: break
///     case .reconnected: await cache.reloadAll()        // NOTIFYs sent while disconnected are lost
///     case .notification(let note): cache.revoke(note.payload)
///     case .connectionLost(let error): logger.warning("listener.lost", error.code)
///     }
/// }
/// ```
///
/// The sequence holds the listener alive while it is iterated; it ends after ``stop()``, or when the listener
/// and every iterator are gone. Events are buffered without bound, so keep consuming.
public final class PostgresListener: Sendable {
    /// What the listener reports.
    public enum Event: Sendable {
        /// The first subscription is active: from now on no NOTIFY on the channels is missed.
        case listening
        /// The connection was lost and is back, subscribed again. NOTIFYs sent in between were not seen:
        /// do a full reload of whatever the notifications keep fresh.
        case reconnected
        /// A NOTIFY arrived.
        case notification(PostgresNotification)
        /// The connection broke or a (re)connect attempt failed; retries continue with backoff (up to 5 s).
        case connectionLost(PostgresError)
    }

    /// The listener's events as an async sequence (single consumer).
    public struct Events: AsyncSequence, Sendable {
        /// The element type.
        public typealias Element = Event
        /// The sequence never throws.
        public typealias Failure = Never

        fileprivate let stream: AsyncStream<Event>
        fileprivate let owner: PostgresListener

        /// The iterator; it keeps the listener alive.
        public struct AsyncIterator: AsyncIteratorProtocol {
            fileprivate var base: AsyncStream<Event>.Iterator
            fileprivate let owner: PostgresListener

            /// The next event, or nil once the listener stopped.
            public mutating func next() async -> Event? {
                await self.base.next()
            }
        }

        /// Starts iterating.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: self.stream.makeAsyncIterator(), owner: self.owner)
        }
    }

    private let loop: PostgresListenerLoop
    private let stream: AsyncStream<Event>

    /// Starts listening on `channels` at once (connecting on a new thread).
    /// - Throws: ``PostgresError/Code/invalidConfiguration`` for no channels, an empty channel name, one longer
    ///   than 63 bytes or containing NUL, or if no wake-up pipe can be created.
    public init(configuration: PostgresConfiguration, channels: [String]) throws {
        guard !channels.isEmpty,
              channels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 && !$0.utf8.contains(0) })
        else {
            throw PostgresError(.invalidConfiguration, reason: "channel names must be 1...63 bytes without NUL")
        }
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else {
            throw PostgresError(.invalidConfiguration, reason: "cannot create the listener's wake-up pipe")
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .unbounded)
        let loop = PostgresListenerLoop(
            configuration: configuration,
            channels: channels,
            continuation: continuation,
            wakeRead: descriptors[0],
            wakeWrite: descriptors[1]
        )
        continuation.onTermination = { _ in loop.stop() }
        self.loop = loop
        self.stream = stream
        let thread = Thread { loop.run() }
        thread.name = "postgres-listener"
        thread.start()
    }

    deinit { self.loop.stop() }

    /// The events; iterate them from one task.
    public var events: Events { Events(stream: self.stream, owner: self) }

    /// Closes the connection and ends ``events``. Idempotent.
    public func stop() { self.loop.stop() }
}

/// The listener's thread body: connect, LISTEN, wait for input or a stop request, repeat after failures.
fileprivate final class PostgresListenerLoop: Sendable {
    private let configuration: PostgresConfiguration
    private let channels: [String]
    private let continuation: AsyncStream<PostgresListener.Event>.Continuation
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopped = Atomic<Bool>(false)

    init(
        configuration: PostgresConfiguration,
        channels: [String],
        continuation: AsyncStream<PostgresListener.Event>.Continuation,
        wakeRead: Int32,
        wakeWrite: Int32
    ) {
        self.configuration = configuration
        self.channels = channels
        self.continuation = continuation
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    /// The pipe closes only here: ``stop()`` may still write to it after ``run()`` returned.
    deinit {
        close(self.wakeRead)
        close(self.wakeWrite)
    }

    private var isStopped: Bool { self.stopped.load(ordering: .acquiring) }

    /// Asks the thread to finish; wakes it if it waits.
    func stop() {
        guard !self.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(self.wakeWrite, &byte, 1)
    }

    func run() {
        defer { self.continuation.finish() }
        var hasListened = false
        var backoffMilliseconds: Int32 = 100
        while !self.isStopped {
            let session: LibPQConnection
            do {
                session = try self.subscribe()
            } catch {
                self.continuation.yield(.connectionLost(error))
                self.sleep(milliseconds: backoffMilliseconds)
                backoffMilliseconds = min(backoffMilliseconds * 2, 5_000)
                continue
            }
            backoffMilliseconds = 100
            self.continuation.yield(hasListened ? .reconnected : .listening)
            hasListened = true
            if let error = self.receive(on: session) {
                self.continuation.yield(.connectionLost(error))
            }
        }
    }

    /// Opens a session and subscribes to every channel.
    private func subscribe() throws(PostgresError) -> LibPQConnection {
        let session = try LibPQConnection.connect(self.configuration)
        for channel in self.channels {
            try session.execute("LISTEN \(try session.quoteIdentifier(channel))")
        }
        return session
    }

    /// Yields notifications until the session breaks (returns the error) or the loop stops (returns nil).
    private func receive(on session: LibPQConnection) -> PostgresError? {
        while !self.isStopped {
            for notification in session.takeNotifications() {
                self.continuation.yield(.notification(notification))
            }
            guard session.waitForInput(wakeDescriptor: self.wakeRead, timeoutMilliseconds: -1) else { continue }
            guard session.consumeInput() else {
                return PostgresError(.connectionLost, serverMessage: session.errorMessage, target: session.target)
            }
        }
        return nil
    }

    /// Waits before a retry; returns early on stop.
    private func sleep(milliseconds: Int32) {
        var descriptor = pollfd(fd: self.wakeRead, events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
    }
}
