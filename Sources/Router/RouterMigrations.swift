import ServiceKit

/// The ordered schema steps of the `router` schema (projects, API keys, webhook ids, idempotency, rate usage
/// shared by the replicas), applied at
/// start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The schema name is a parameter so tests can each use their own.
enum RouterMigrations {
    /// The schema this service owns in its database.
    static let schema = "router"
    /// Every step, in order, for the production schema.
    static let all: [Migration] = steps(schema: schema)

    /// Every step, in order, creating the tables in `schema` (a plain lowercase identifier).
    static func steps(schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "projects and api keys", sql: """
                CREATE TABLE \(schema).projects (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    rate_limit_per_second integer,
                    rate_limit_burst integer
                );
                CREATE TABLE \(schema).api_keys (
                    id text PRIMARY KEY,
                    project_id text NOT NULL REFERENCES \(schema).projects (id),
                    kind text NOT NULL CHECK (kind IN ('publishable', 'secret')),
                    prefix text NOT NULL,
                    hash bytea NOT NULL,
                    created_at timestamptz NOT NULL,
                    last_used_at timestamptz,
                    expires_at timestamptz,
                    revoked_at timestamptz,
                    replaces text
                );
                CREATE INDEX api_keys_project ON \(schema).api_keys (project_id, created_at);
                """),
            Migration(version: 2, name: "webhook events and idempotency", sql: """
                CREATE TABLE \(schema).webhook_events (
                    source text NOT NULL,
                    webhook_id text NOT NULL,
                    received_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (source, webhook_id)
                );
                CREATE INDEX webhook_events_received ON \(schema).webhook_events (received_at);
                CREATE TABLE \(schema).idempotency (
                    scope text NOT NULL,
                    key text NOT NULL,
                    request_hash bytea NOT NULL,
                    status integer NOT NULL,
                    body bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (scope, key)
                );
                CREATE INDEX idempotency_created ON \(schema).idempotency (created_at);
                """),
            Migration(version: 3, name: "publishable budget and billing email", sql: """
                ALTER TABLE \(schema).projects
                    ADD COLUMN publishable_rate_limit_per_second integer,
                    ADD COLUMN publishable_rate_limit_burst integer,
                    ADD COLUMN billing_email text;
                """),
            Migration(version: 4, name: "rate usage across replicas", sql: """
                CREATE TABLE \(schema).rate_usage (
                    key text PRIMARY KEY,
                    total bigint NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """),
            Migration(version: 5, name: "onboarding: owners and signup sagas", sql: """
                CREATE TABLE \(schema).project_members (
                    project_id text NOT NULL REFERENCES \(schema).projects (id) ON DELETE CASCADE,
                    user_id text NOT NULL,
                    role text NOT NULL CHECK (role IN ('owner')),
                    created_at timestamptz NOT NULL,
                    PRIMARY KEY (project_id, user_id)
                );
                CREATE INDEX project_members_user ON \(schema).project_members (user_id, created_at, project_id);
                CREATE TABLE \(schema).signup_sagas (
                    id text PRIMARY KEY,
                    idempotency_key text,
                    request_hash bytea NOT NULL,
                    state text NOT NULL CHECK (state IN ('running', 'completed', 'undone')),
                    steps text NOT NULL DEFAULT '',
                    user_id text NOT NULL,
                    project_id text NOT NULL,
                    business_name text NOT NULL,
                    referral_code text,
                    sealed_keys bytea,
                    lease_until timestamptz NOT NULL,
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL
                );
                CREATE UNIQUE INDEX signup_sagas_running_key ON \(schema).signup_sagas (idempotency_key)
                    WHERE state = 'running' AND idempotency_key IS NOT NULL;
                CREATE INDEX signup_sagas_running ON \(schema).signup_sagas (updated_at) WHERE state = 'running';
                """),
        ]
    }
}
