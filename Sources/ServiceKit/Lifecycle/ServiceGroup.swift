import Synchronization

/// Runs services as child tasks and shuts them down together (swift-service-lifecycle's `ServiceGroup`).
///
/// Services start in list order. On a signal, on ``triggerGracefulShutdown()``, or when a service throws
/// or returns early, the group asks the services to shut down gracefully **one at a time in reverse
/// start order** (the last started first, so a server drains before the pool it uses), waiting for each
/// to return. If everything has not stopped within the drain timeout, the rest are cancelled. A second
/// signal during the drain cancels at once.
///
/// ```swift
/// let group = ServiceGroup(
///     services: [databasePool, wireServer],
///     signals: UnixSignal.trap([.sigterm, .sigint]),
///     drainTimeout: .seconds(10),
///     logger: logger
/// )
/// try await group.run()
/// ```
///
/// Tests pass a stream they feed themselves (`AsyncStream.makeStream(of: UnixSignal.self)`) as `signals`.
public final class ServiceGroup: Sendable {
    fileprivate enum Event: Sendable {
        case finished(index: Int, error: (any Error)?)
        case signal(UnixSignal)
        case shutdownRequested
        case drainTimeout
    }

    private let services: [any Service]
    private let names: [String]
    private let signals: AsyncStream<UnixSignal>
    private let drainTimeout: Duration?
    private let logger: Logger
    private let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation
    private let started = Atomic<Bool>(false)

    /// Creates a group. `drainTimeout` nil waits for a graceful shutdown without limit.
    public init(
        services: [any Service],
        signals: AsyncStream<UnixSignal>,
        drainTimeout: Duration?,
        logger: Logger
    ) {
        self.services = services
        self.names = services.map { String(describing: type(of: $0)) }
        self.signals = signals
        self.drainTimeout = drainTimeout
        self.logger = logger
        (self.events, self.eventSink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Starts a graceful shutdown, as a signal would.
    public func triggerGracefulShutdown() {
        eventSink.yield(.shutdownRequested)
    }

    /// Runs every service until all have stopped. Returns normally after a graceful shutdown; throws a
    /// ``ServiceGroupError`` if a service failed, returned early or had to be cancelled after the drain
    /// timeout, and `CancellationError` if the calling task was cancelled. Call at most once.
    public func run() async throws {
        precondition(!started.exchange(true, ordering: .relaxed), "ServiceGroup.run() called twice")
        var coordinator = GroupCoordinator(names: names, logger: logger)
        let outcome: ServiceGroupError? = await withTaskGroup(of: Void.self) { group in
            let sink = eventSink
            let signals = signals
            group.addTask {
                for await signal in signals { sink.yield(.signal(signal)) }
            }
            for (index, service) in services.enumerated() {
                let token = coordinator.tokens[index]
                group.addTask {
                    do {
                        try await GracefulShutdownToken.$current.withValue(token) { try await service.run() }
                        sink.yield(.finished(index: index, error: nil))
                    } catch {
                        sink.yield(.finished(index: index, error: error))
                    }
                }
            }
            var iterator = events.makeAsyncIterator()
            while !coordinator.running.isEmpty, let event = await iterator.next() {
                switch coordinator.handle(event) {
                case .none:
                    break
                case .startDrainTimer:
                    if let drainTimeout {
                        group.addTask {
                            try? await Task.sleep(for: drainTimeout)
                            if !Task.isCancelled { sink.yield(.drainTimeout) }
                        }
                    }
                case .cancelAll:
                    group.cancelAll()
                }
            }
            group.cancelAll()
            return coordinator.failure
        }
        if let outcome { throw outcome }
        if !coordinator.running.isEmpty { throw CancellationError() }
    }
}

/// The group's bookkeeping, kept apart from the task plumbing: which services still run, whether a
/// shutdown is under way, and the first failure.
fileprivate struct GroupCoordinator {
    enum Action { case none, startDrainTimer, cancelAll }

    let names: [String]
    let logger: Logger
    let tokens: [GracefulShutdownToken]
    var running: Set<Int>
    var shuttingDown = false
    var cancelled = false
    var failure: ServiceGroupError?

    init(names: [String], logger: Logger) {
        self.names = names
        self.logger = logger
        self.tokens = names.map { _ in GracefulShutdownToken() }
        self.running = Set(names.indices)
    }

    mutating func handle(_ event: ServiceGroup.Event) -> Action {
        switch event {
        case .finished(let index, let error):
            running.remove(index)
            record(index: index, error: error)
            if !shuttingDown { return beginShutdown() }
            if !cancelled { drainNext() }
            return .none
        case .signal(let signal):
            if !shuttingDown {
                logger.notice("graceful shutdown requested", metadata: [.signal: .string(signal.name)])
                return beginShutdown()
            }
            guard !cancelled else { return .none }
            logger.warning("second signal during drain, cancelling", metadata: [.signal: .string(signal.name)])
            cancelled = true
            return .cancelAll
        case .shutdownRequested:
            return shuttingDown ? .none : beginShutdown()
        case .drainTimeout:
            guard !cancelled, !running.isEmpty else { return .none }
            let remaining = running.sorted().map { names[$0] }
            logger.warning("drain timed out, cancelling", metadata: [
                .serviceName: .string(remaining.joined(separator: ",")),
                .errorCode: "DRAIN_TIMED_OUT",
            ])
            failure = failure ?? .drainTimedOut(services: remaining)
            cancelled = true
            return .cancelAll
        }
    }

    private mutating func record(index: Int, error: (any Error)?) {
        let name = names[index]
        switch error {
        case nil where !shuttingDown:
            logger.error("service finished unexpectedly", metadata: [.serviceName: .string(name)])
            failure = failure ?? .serviceFinishedUnexpectedly(service: name)
        case nil:
            logger.debug("service stopped", metadata: [.serviceName: .string(name)])
        case let error? where cancelled && error is CancellationError:
            logger.debug("service cancelled", metadata: [.serviceName: .string(name)])
        case let error?:
            logger.error("service failed", metadata: [.serviceName: .string(name), .errorType: .errorType(error)])
            failure = failure ?? .serviceFailed(service: name, underlying: error)
        }
    }

    private mutating func beginShutdown() -> Action {
        shuttingDown = true
        drainNext()
        return .startDrainTimer
    }

    /// Asks the last-started service that still runs to shut down; the others wait for their turn.
    private func drainNext() {
        guard let last = running.max() else { return }
        logger.debug("service shutting down", metadata: [.serviceName: .string(names[last])])
        tokens[last].trigger()
    }
}
