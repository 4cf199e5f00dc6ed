import ServiceKit

/// The CommsService's tables (`CommsServiceMigrations`) in one schema of its database. Every method that
/// reads or changes a project's data takes the project id and filters by it.
///
/// The extensions group the methods by table: `+Messages` (accept, read, list), `+Outbox` (claim and
/// outcomes), `+Templates`, `+Suppressions`, `+Settings`, `+DeliveryEvents`.
struct CommsStore: Sendable {
    /// The `NOTIFY` channel that wakes the outbox workers when a message is committed.
    static let outboxChannel = "comms_outbox"

    /// The pool.
    let pool: PostgresPool
    /// The schema holding the tables (a plain lowercase identifier: `comms`, or a test's own).
    let schema: String
    /// Wakes the webhook claimers after deliveries are committed (``recordWebhookEvent(_:_:always:endpointID:)``).
    let webhookWake: WebhookWake

    /// Creates a store over `schema` in `pool`'s database.
    init(pool: PostgresPool, schema: String = CommsServiceMigrations.schema) {
        self.pool = pool
        self.schema = schema
        self.webhookWake = WebhookWake(
            pool: pool, channel: schema == CommsServiceMigrations.schema ? "comms_webhooks" : "comms_webhooks_\(schema)")
    }

    /// The channel name for this schema (tests use their own schemas on one server, so channels differ).
    var channel: String {
        schema == CommsServiceMigrations.schema ? Self.outboxChannel : "\(Self.outboxChannel)_\(schema)"
    }

    /// `schema.table`.
    func table(_ name: String) -> String { "\(schema).\(name)" }
}

/// Turns `[String]` into a `text[]` parameter: pass `PostgresJSON(strings)` and write
/// `\(CommsSQL.textArray("$3"))` in the statement (the shared PostgreSQL layer has no array type).
enum CommsSQL {
    /// `ARRAY(SELECT jsonb_array_elements_text(<parameter>::jsonb))`.
    static func textArray(_ parameter: String) -> String {
        "ARRAY(SELECT jsonb_array_elements_text(\(parameter)::jsonb))::text[]"
    }

    /// `created_at` as whole microseconds since the Unix epoch (exact, for cursors).
    static let createdMicros = "(extract(epoch FROM created_at) * 1000000)::bigint"

    /// The timestamp for microseconds since the epoch held in `parameter`.
    static func timestamp(micros parameter: String) -> String {
        "(to_timestamp(0) + \(parameter)::bigint * interval '1 microsecond')"
    }
}
