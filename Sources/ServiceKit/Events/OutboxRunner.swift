import Synchronization

/// Set once an outbox is asked to stop (its workers stop claiming).
public final class OutboxStopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// A flag not yet set.
    public init() {}

    /// Whether a stop was asked for.
    public var isStopping: Bool { flag.load(ordering: .acquiring) }

    /// Asks for a stop.
    public func stop() { flag.store(true, ordering: .releasing) }
}

/// The loop every durable outbox shares (Comms' email and webhook outboxes, ``EventOutbox``): a `LISTEN`
/// connection on `channels` signals `wakeup` on every `NOTIFY` and after every reconnect (notifications may have
/// been missed meanwhile); `workers` copies of `work` run until a graceful shutdown, which sets their
/// ``OutboxStopFlag`` and wakes them; then the listening stops.
///
/// ```swift
/// func run() async throws {
///     try await OutboxRunner.run(workers: 4, listener: pool.configuration, channels: ["comms_outbox"],
///                                wakeup: wakeup) { stopping in await work(stopping: stopping) }
/// }
/// ```
public enum OutboxRunner {
    /// Runs the workers; `listener` nil: poll only (no `LISTEN` connection).
    public static func run(
        workers: Int, listener: PostgresConfiguration?, channels: [String], wakeup: OutboxWakeup,
        work: @escaping @Sendable (OutboxStopFlag) async -> Void
    ) async throws {
        let stopping = OutboxStopFlag()
        let notifications = try listener.map { try PostgresListener(configuration: $0, channels: channels) }
        let listening = Task {
            guard let notifications else { return }
            for await event in notifications.events {
                switch event {
                case .notification, .reconnected: wakeup.signal()
                case .listening, .connectionLost: break
                }
            }
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask { await work(stopping) }
                }
            }
        } onGracefulShutdown: {
            stopping.stop()
            wakeup.signal()
        }
        notifications?.stop()
        listening.cancel()
        await listening.value
    }
}
