import Contracts
import ServiceKit

/// The ordered schema steps of the `comms` schema (outbox, events, templates, suppression list, settings,
/// sender domains, outbound webhooks), applied at start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The schema name is a parameter so tests can each use their own.
enum CommsServiceMigrations {
    /// The schema this service owns in its database.
    static let schema = MeshService.comms.name
    /// Every step, in order, for the production schema.
    static let all: [Migration] = steps(schema: schema)

    /// Every step, in order, creating the tables in `schema` (a plain lowercase identifier).
    static func steps(schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "outbox, templates, suppressions, settings", sql: """
                CREATE TABLE \(schema).messages (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed',
                                                           'bounced', 'complained', 'suppressed')),
                    recipients text[] NOT NULL,
                    mail_from text NOT NULL,
                    tags text[] NOT NULL DEFAULT '{}',
                    body bytea NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    send_at timestamptz NOT NULL,
                    next_attempt_at timestamptz NOT NULL,
                    lease_until timestamptz,
                    idempotency_key text,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    UNIQUE (project_id, idempotency_key)
                );
                CREATE INDEX messages_due ON \(schema).messages (next_attempt_at) WHERE status IN ('queued', 'sending');
                CREATE INDEX messages_project_created ON \(schema).messages (project_id, created_at DESC, id DESC);
                CREATE INDEX messages_project_status ON \(schema).messages (project_id, status, created_at DESC, id DESC);
                CREATE TABLE \(schema).message_events (
                    id bigserial PRIMARY KEY,
                    message_id text NOT NULL REFERENCES \(schema).messages (id),
                    project_id text NOT NULL,
                    at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    status text NOT NULL,
                    detail text
                );
                CREATE INDEX message_events_message ON \(schema).message_events (message_id, id);
                CREATE TABLE \(schema).templates (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    name text NOT NULL,
                    subject text NOT NULL,
                    text text,
                    html text,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    UNIQUE (project_id, name)
                );
                CREATE INDEX templates_project_created ON \(schema).templates (project_id, created_at DESC, id DESC);
                CREATE TABLE \(schema).suppressions (
                    project_id text NOT NULL,
                    email text NOT NULL,
                    reason text NOT NULL CHECK (reason IN ('bounced', 'complained', 'user_unknown', 'manual')),
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    PRIMARY KEY (project_id, email)
                );
                CREATE INDEX suppressions_project_created ON \(schema).suppressions (project_id, created_at DESC, email DESC);
                CREATE TABLE \(schema).settings (
                    project_id text PRIMARY KEY,
                    relay_sealed bytea,
                    relay_redacted text,
                    default_from text,
                    unsubscribe_url text,
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE TABLE \(schema).provider_events (
                    event_id text PRIMARY KEY,
                    at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                """),
            // Idempotency keys hold 24 h and are bound to the request (IdempotencyCheck); rows from before
            // have no hash and match any request until their 24 h are over.
            Migration(version: 2, name: "idempotency request hash", sql: """
                ALTER TABLE \(schema).messages ADD COLUMN request_hash text;
                """),
            Migration(version: 3, name: "sender domains", sql: """
                CREATE TABLE \(schema).domains (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    name text NOT NULL,
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'verified', 'failed')),
                    failure text,
                    dkim_selector text NOT NULL,
                    dkim_public_key text NOT NULL,
                    dkim_private_sealed bytea NOT NULL,
                    dkim_ed25519_selector text NOT NULL,
                    dkim_ed25519_public_key text NOT NULL,
                    dkim_ed25519_sealed bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    verified_at timestamptz,
                    UNIQUE (project_id, name)
                );
                CREATE INDEX domains_project_created ON \(schema).domains (project_id, created_at DESC, id DESC);
                """),
            // Outbound webhooks: endpoints (secrets sealed), events (the exact body sent), deliveries (the
            // outbox, claimed under leases like messages). docs/webhooks.md.
            Migration(version: 4, name: "outbound webhooks", sql: """
                CREATE TABLE \(schema).webhook_endpoints (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    url text NOT NULL,
                    description text,
                    events text[] NOT NULL,
                    status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
                    disabled_reason text,
                    secret_sealed bytea NOT NULL,
                    previous_secret_sealed bytea,
                    previous_secret_until timestamptz,
                    alert_email text,
                    failing_since timestamptz,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX webhook_endpoints_project ON \(schema).webhook_endpoints (project_id, created_at DESC, id DESC);
                CREATE TABLE \(schema).webhook_events (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    type text NOT NULL,
                    payload text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE TABLE \(schema).webhook_deliveries (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    endpoint_id text NOT NULL REFERENCES \(schema).webhook_endpoints (id) ON DELETE CASCADE,
                    event_id text NOT NULL REFERENCES \(schema).webhook_events (id),
                    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
                    attempts integer NOT NULL DEFAULT 0,
                    last_status_code integer,
                    last_error text,
                    next_attempt_at timestamptz,
                    lease_until timestamptz,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX webhook_deliveries_due ON \(schema).webhook_deliveries (next_attempt_at) WHERE status = 'pending';
                CREATE INDEX webhook_deliveries_endpoint ON \(schema).webhook_deliveries (endpoint_id, created_at DESC, id DESC);
                CREATE INDEX webhook_deliveries_event ON \(schema).webhook_deliveries (event_id);
                """),
            // The credit guard: each message's Billing reservation, and the settlements owed to Billing
            // (written with the status change that decides them, sent until Billing answers).
            Migration(version: 5, name: "billing settlements", sql: """
                ALTER TABLE \(schema).messages ADD COLUMN reservation_id text;
                CREATE TABLE \(schema).settlements (
                    reservation_id text PRIMARY KEY,
                    action text NOT NULL CHECK (action IN ('capture', 'release')),
                    message_id text NOT NULL,
                    project_id text NOT NULL,
                    done boolean NOT NULL DEFAULT false,
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX settlements_pending ON \(schema).settlements (next_attempt_at) WHERE NOT done;
                """),
            // WhatsApp: the project's gateway, instances (webhook token hashed), SmartSend's queue (claimed under
            // leases per instance), the messages' events and the numbers that asked to stop. docs/whatsapp.md.
            Migration(version: 6, name: "whatsapp", sql: """
                CREATE TABLE \(schema).whatsapp_settings (
                    project_id text PRIMARY KEY,
                    gateway_url text,
                    api_key_sealed bytea,
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE TABLE \(schema).whatsapp_instances (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    name text NOT NULL,
                    token_hash bytea NOT NULL UNIQUE,
                    connection text NOT NULL DEFAULT 'connecting' CHECK (connection IN ('connecting', 'open', 'close')),
                    health text NOT NULL DEFAULT 'WARMUP' CHECK (health IN ('WARMUP', 'ACTIVE', 'THROTTLED', 'BANNED')),
                    health_reason text,
                    health_changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    first_open_at timestamptz,
                    throttled_until timestamptz,
                    server_errors integer NOT NULL DEFAULT 0,
                    next_send_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    lease_until timestamptz,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX whatsapp_instances_project ON \(schema).whatsapp_instances (project_id, created_at DESC, id DESC);
                CREATE TABLE \(schema).whatsapp_messages (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    instance_id text,
                    to_number text NOT NULL,
                    body text NOT NULL,
                    priority smallint NOT NULL CHECK (priority BETWEEN 0 AND 2),
                    status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read', 'failed')),
                    attempts integer NOT NULL DEFAULT 0,
                    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    lease_until timestamptz,
                    text_at timestamptz,
                    gateway_message_id text,
                    reservation_id text,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
                );
                CREATE INDEX whatsapp_messages_queue ON \(schema).whatsapp_messages (instance_id, priority, created_at, id)
                    WHERE status IN ('queued', 'sending');
                CREATE INDEX whatsapp_messages_unassigned ON \(schema).whatsapp_messages (priority, created_at, id)
                    WHERE status = 'queued' AND instance_id IS NULL;
                CREATE INDEX whatsapp_messages_waiting ON \(schema).whatsapp_messages (created_at) WHERE status = 'queued';
                CREATE INDEX whatsapp_messages_paced ON \(schema).whatsapp_messages (instance_id, text_at) WHERE text_at IS NOT NULL;
                CREATE INDEX whatsapp_messages_gateway ON \(schema).whatsapp_messages (gateway_message_id)
                    WHERE gateway_message_id IS NOT NULL;
                CREATE TABLE \(schema).whatsapp_message_events (
                    id bigserial PRIMARY KEY,
                    message_id text NOT NULL REFERENCES \(schema).whatsapp_messages (id),
                    project_id text NOT NULL,
                    at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    status text NOT NULL,
                    detail text
                );
                CREATE INDEX whatsapp_message_events_message ON \(schema).whatsapp_message_events (message_id, id);
                CREATE TABLE \(schema).whatsapp_suppressions (
                    project_id text NOT NULL,
                    number text NOT NULL,
                    reason text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    PRIMARY KEY (project_id, number)
                );
                CREATE TABLE \(schema).whatsapp_gateway_statuses (
                    instance_id text NOT NULL,
                    gateway_message_id text NOT NULL,
                    status text NOT NULL,
                    at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    PRIMARY KEY (instance_id, gateway_message_id, status)
                );
                """),
            // The outbox's claims: one partial index per kind of due row, so a claim never reads the messages in
            // flight (the old index held queued and sending rows alike). docs/comms.md, "The outbox".
            Migration(version: 7, name: "outbox claim indexes", sql: """
                CREATE INDEX messages_queued_due ON \(schema).messages (next_attempt_at) WHERE status = 'queued';
                CREATE INDEX messages_lease_expiry ON \(schema).messages (lease_until) WHERE status = 'sending';
                DROP INDEX \(schema).messages_due;
                """),
            // SmartSend's pace in the instance's row (the instants of its last 10 texts, microseconds since the
            // epoch, and the count of its current warm-up day), filled from the texts already sent; WhatsApp
            // accepts' idempotency keys; the project's messages newest first (`GET /v1/comms/messages`).
            Migration(version: 8, name: "whatsapp pace in the row, idempotency, list", sql: """
                ALTER TABLE \(schema).whatsapp_instances ADD COLUMN recent_sends bigint[] NOT NULL DEFAULT '{}',
                    ADD COLUMN day_start timestamptz, ADD COLUMN sent_today integer NOT NULL DEFAULT 0;
                UPDATE \(schema).whatsapp_instances i SET day_start = d.start FROM (
                    SELECT id, first_open_at + floor(extract(epoch FROM clock_timestamp() - first_open_at) / 86400)
                        * interval '1 day' AS start
                    FROM \(schema).whatsapp_instances WHERE first_open_at IS NOT NULL) d
                WHERE i.id = d.id;
                UPDATE \(schema).whatsapp_instances i SET
                    sent_today = (SELECT count(*) FROM \(schema).whatsapp_messages m
                                  WHERE m.instance_id = i.id AND m.text_at >= i.day_start),
                    recent_sends = ARRAY(SELECT r.micros FROM (
                        SELECT (extract(epoch FROM m.text_at) * 1000000)::bigint AS micros FROM \(schema).whatsapp_messages m
                        WHERE m.instance_id = i.id AND m.text_at IS NOT NULL ORDER BY m.text_at DESC LIMIT 10) r
                        ORDER BY r.micros)
                WHERE i.day_start IS NOT NULL;
                ALTER TABLE \(schema).whatsapp_messages ADD COLUMN idempotency_key text, ADD COLUMN request_hash text,
                    ADD UNIQUE (project_id, idempotency_key);
                CREATE INDEX whatsapp_messages_project ON \(schema).whatsapp_messages (project_id, created_at DESC, id DESC);
                """),
            // Webhook retention: the sweep finds old events by creation time (docs/webhooks.md).
            Migration(version: 9, name: "webhook event retention", sql: """
                CREATE INDEX webhook_events_created ON \(schema).webhook_events (created_at);
                """),
        ]
    }
}
