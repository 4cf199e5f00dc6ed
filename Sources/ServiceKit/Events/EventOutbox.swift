import Contracts
import Foundation
import Wire

/// A durable outbox of webhook events for a service other than Comms (Identity's `auth.user.created`,
/// Billing's `billing.*`, WhatsApp's `whatsapp.*`): the event is written into the service's own schema in the
/// transaction of the state change that causes it, and a worker hands it to `comms.EmitEvent` until Comms
/// answers. Comms records each event id once, so a crash between the call and the delete re-sends a known id
/// and nothing doubles; nothing committed is lost.
///
/// ```swift
/// // 1. A migration step in the service's schema (any unused version):
/// EventOutbox.migration(version: 40, schema: schema)
/// // 2. In the state change's transaction:
/// try await database.withTransaction { tx in
///     … insert the user …
///     try await EventOutbox.enqueue(tx, schema: schema, projectID: projectID, type: .authUserCreated,
///                                   data: ["user_id": user.id])
/// }
/// // 3. The worker, among the services run before the Wire server (it drains last):
/// EventOutbox(pool: pool, schema: schema, emit: { try await comms.emitEvent($0, $1) }, logger: logger)
/// ```
///
/// `data` holds ids and states only, never message bodies, tokens or secrets. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED` under a lease (replicas share the work), the worker wakes on the schema's
/// `NOTIFY` channel and polls every ``Settings/pollInterval``; a failed call is retried with a doubling
/// backoff up to ``Settings/maximumBackoff``, forever (Comms being down delays events, never drops them).
public struct EventOutbox: Service {
    /// Hands one event to Comms (`comms.EmitEvent` under the event's project).
    public typealias Emit = @Sendable (EmitEventRequest, CallContext) async throws -> Void

    /// Timing of the worker.
    public struct Settings: Sendable, Hashable {
        /// How often an idle worker looks for due events without a `NOTIFY`.
        public var pollInterval: Duration = .seconds(1)
        /// How long a claim reserves its events (longer than one call to Comms can take).
        public var lease: Duration = .seconds(60)
        /// The first wait after a failed call; doubled per failure.
        public var initialBackoff: Duration = .seconds(1)
        /// The longest wait between tries.
        public var maximumBackoff: Duration = .seconds(300)
        /// Events one claim takes.
        public var batchSize = 50

        /// The defaults.
        public init() {}
    }

    /// The pool of the service's database.
    public let pool: PostgresPool
    /// The schema holding `event_outbox`.
    public let schema: String
    /// The call to Comms.
    public let emit: Emit
    /// Where failures are logged (ids and error kinds only).
    public let logger: Logger
    /// Timing.
    public let settings: Settings
    /// Listen for `NOTIFY` (false: poll only).
    public let listens: Bool
    private let wakeup = OutboxWakeup()

    /// Creates the worker (it starts with ``run()``).
    public init(
        pool: PostgresPool, schema: String, emit: @escaping Emit, logger: Logger, settings: Settings = Settings(),
        listens: Bool = true
    ) {
        self.pool = pool
        self.schema = schema
        self.emit = emit
        self.logger = logger
        self.settings = settings
        self.listens = listens
    }

    /// The `NOTIFY` channel of `schema`'s outbox.
    public static func channel(schema: String) -> String { "\(schema)_events" }

    /// The step creating `<schema>.event_outbox`.
    public static func migration(version: Int, schema: String) -> Migration {
        Migration(version: version, name: "event outbox", sql: """
            CREATE TABLE \(schema).event_outbox (
                id text PRIMARY KEY,
                project_id text NOT NULL,
                type text NOT NULL,
                occurred_at timestamptz NOT NULL,
                data text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                lease_until timestamptz
            );
            CREATE INDEX event_outbox_due ON \(schema).event_outbox (next_attempt_at);
            """)
    }

    /// Writes an event inside `client`'s transaction (and wakes the worker at its commit); returns its
    /// `evt_…` id, the deliveries' `webhook-id`.
    @discardableResult
    public static func enqueue(
        _ client: some PostgresClient, schema: String, projectID: String, type: WebhookEventType,
        data: [String: String], occurredAt: Date = Date()
    ) async throws -> String {
        let id = RandomIdentifier.make("evt")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(data), as: UTF8.self)
        try await client.execute("""
            INSERT INTO \(schema).event_outbox (id, project_id, type, occurred_at, data) VALUES ($1, $2, $3, $4, $5)
            """, [id, projectID, type.rawValue, occurredAt, json])
        try await client.notify(channel: channel(schema: schema))
        return id
    }

    public func run() async throws {
        try await OutboxRunner.run(
            workers: 1, listener: listens ? pool.configuration : nil, channels: [Self.channel(schema: schema)],
            wakeup: wakeup
        ) { stopping in
            while !stopping.isStopping, !Task.isCancelled {
                let generation = wakeup.generation
                if await drainOnce() == 0 { await wakeup.wait(since: generation, timeout: settings.pollInterval) }
            }
        }
    }

    /// Claims due events and hands each to Comms; returns how many were claimed (0: nothing due or an error).
    @discardableResult
    public func drainOnce() async -> Int {
        let claimed: [(id: String, projectID: String, type: String, occurredAt: Date, data: String, attempts: Int)]
        do {
            let rows = try await pool.query("""
                WITH due AS (
                    SELECT id FROM \(schema).event_outbox
                    WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
                    ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
                )
                UPDATE \(schema).event_outbox o
                SET attempts = o.attempts + 1, lease_until = clock_timestamp() + $2::bigint * interval '1 millisecond'
                FROM due WHERE o.id = due.id
                RETURNING o.id, o.project_id, o.type, o.occurred_at, o.data, o.attempts
                """, [settings.batchSize, settings.lease.wholeMilliseconds])
            claimed = try rows.map { row in
                let (id, projectID, type, occurredAt, data, attempts) = try row.decode((String, String, String, Date, String, Int).self)
                return (id, projectID, type, occurredAt, data, attempts)
            }
        } catch {
            logger.warning("event outbox claim failed", metadata: [.errorType: .errorType(error)])
            return 0
        }
        for event in claimed {
            do {
                guard let type = WebhookEventType(rawValue: event.type) else {
                    throw WireError(.invalidArgument, "unknown event type")
                }
                let request = EmitEventRequest(eventID: event.id, type: type, occurredAt: event.occurredAt, dataJSON: event.data)
                try await emit(request, CallContext(requestID: event.id, projectID: event.projectID))
                try await pool.execute("DELETE FROM \(schema).event_outbox WHERE id = $1", [event.id])
            } catch {
                logger.warning("event not handed to comms yet", metadata: [
                    LogKey("event.id"): .string(event.id), .projectID: .string(event.projectID), .errorType: .errorType(error),
                ])
                _ = try? await pool.execute("""
                    UPDATE \(schema).event_outbox
                    SET lease_until = NULL, next_attempt_at = clock_timestamp() + $2::bigint * interval '1 millisecond'
                    WHERE id = $1
                    """, [event.id, backoff(afterAttempt: event.attempts).wholeMilliseconds])
            }
        }
        return claimed.count
    }

    /// The wait after failed try number `attempt`: the initial backoff doubled per earlier failure, capped.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let doubled = settings.initialBackoff * (1 << min(max(attempt - 1, 0), 20))
        return min(doubled, settings.maximumBackoff)
    }
}
