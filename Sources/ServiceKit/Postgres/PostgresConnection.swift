import Dispatch
import Foundation
import Synchronization

/// One pooled connection: a dedicated thread that owns a ``LibPQConnection`` and runs blocking libpq calls,
/// fed jobs through a queue; each job resumes its caller's continuation.
///
/// The session heals itself: when a lease starts (``run(startsLease:_:)`` with `startsLease`) and the libpq
/// session is missing, broken, or was closed by the server while idle, it is discarded and a new one is
/// opened before the job runs, so nothing is lost. Inside a lease (a transaction) it never reconnects: a
/// break there fails with ``PostgresError/Code/connectionLost``.
final class PostgresConnection: Sendable {
    /// A unit of work for the thread; receives the thread's session slot.
    fileprivate enum Job {
        case run(@Sendable (inout LibPQConnection?) -> Void)
        case stop(@Sendable () -> Void)
    }

    /// Stable within one pool, for events.
    let id: Int
    private let configuration: PostgresConfiguration
    private let onEvent: (@Sendable (PostgresPool.Event) -> Void)?
    private let jobs = Mutex<[Job]>([])
    private let jobAvailable = DispatchSemaphore(value: 0)

    init(id: Int, configuration: PostgresConfiguration, onEvent: (@Sendable (PostgresPool.Event) -> Void)?) {
        self.id = id
        self.configuration = configuration
        self.onEvent = onEvent
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "postgres-\(id)"
        thread.start()
    }

    /// Runs `body` on the connection's thread with an open session and returns its result.
    ///
    /// The call waits for the job even if the task is cancelled: a statement in flight always completes
    /// (or fails) before the connection can be reused, so its session state stays consistent.
    @discardableResult
    func run<T: Sendable>(
        startsLease: Bool,
        _ body: @escaping @Sendable (LibPQConnection) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let result: Result<T, PostgresError> = await withCheckedContinuation { continuation in
            self.enqueue(.run { [self] slot in
                continuation.resume(returning: Result { () throws(PostgresError) -> T in
                    let session = try self.session(in: &slot, startsLease: startsLease)
                    do throws(PostgresError) {
                        return try body(session)
                    } catch where error.code == .connectionLost {
                        slot = nil
                        self.onEvent?(.connectionLost(connectionID: self.id, error))
                        throw error
                    }
                })
            })
        }
        return try result.get()
    }

    /// Runs one parameterized statement.
    func query(_ sql: String, _ parameters: [PostgresValue], startsLease: Bool) async throws(PostgresError)
        -> PostgresRows
    {
        try await self.run(startsLease: startsLease) { session throws(PostgresError) in
            try session.query(sql, parameters)
        }
    }

    /// Closes the session and ends the thread once queued jobs are done; returns when it has.
    func stop() async {
        await withCheckedContinuation { continuation in
            self.enqueue(.stop { continuation.resume() })
        }
    }

    /// Like ``stop()`` without waiting (from `deinit` and synchronous paths).
    func stopSoon() {
        self.enqueue(.stop {})
    }

    private func enqueue(_ job: Job) {
        self.jobs.withLock { $0.append(job) }
        self.jobAvailable.signal()
    }

    /// The open session to run a job on, (re)connecting first if this job starts a lease.
    private func session(in slot: inout LibPQConnection?, startsLease: Bool) throws(PostgresError)
        -> LibPQConnection
    {
        if let session = slot {
            if startsLease ? session.isReadyForNewLease() : session.isOpen { return session }
            slot = nil
            let error = PostgresError(.connectionLost, serverMessage: session.errorMessage, target: session.target)
            self.onEvent?(.connectionLost(connectionID: self.id, error))
            if !startsLease { throw error }
        } else if !startsLease {
            throw PostgresError(.connectionLost, target: self.configuration.redactedTarget)
        }
        do {
            let session = try LibPQConnection.connect(self.configuration)
            slot = session
            self.onEvent?(.connected(connectionID: self.id))
            return session
        } catch {
            self.onEvent?(.connectFailed(connectionID: self.id, error))
            throw error
        }
    }

    /// The thread's body: take jobs until a stop job, then drop the session (PQfinish).
    private func runLoop() {
        var slot: LibPQConnection?
        while true {
            self.jobAvailable.wait()
            guard let job = self.jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            switch job {
            case .run(let body):
                body(&slot)
            case .stop(let done):
                slot = nil
                done()
                return
            }
        }
    }
}
