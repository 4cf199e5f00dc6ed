import Contracts
import ServiceKit

/// The ordered schema steps of the `identity` schema (users, sessions, refresh tokens, revocations, signing
/// keys, audit, settings, plus the one-time links' steps from `Links/`), applied at start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The schema name is a parameter so tests can each use their own.
enum IdentityServiceMigrations {
    /// The schema this service owns in its database.
    static let schema = MeshService.identity.name
    /// Every step, in order, for the production schema.
    static let all: [Migration] = steps(schema: schema)

    /// Every step, in order, creating the tables in `schema` (a plain lowercase identifier). The core's
    /// steps use versions below 100; the links' steps (versions ≥ 100) follow.
    static func steps(schema: String) -> [Migration] {
        coreSteps(schema: schema) + IdentityLinkMigrations.steps(schema: schema)
    }

    /// The core's steps (versions 1–99; version 3 came after the links' 100, which the migrator allows).
    static func coreSteps(schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "users sessions refresh tokens", sql: """
                CREATE TABLE \(schema).users (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    email text NOT NULL,
                    password_hash text,
                    email_confirmed_at timestamptz,
                    last_sign_in_at timestamptz,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    data text NOT NULL DEFAULT '{}',
                    UNIQUE (project_id, email)
                );
                CREATE INDEX users_page ON \(schema).users (project_id, created_at DESC, id DESC);
                CREATE TABLE \(schema).sessions (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    user_id text NOT NULL REFERENCES \(schema).users (id) ON DELETE CASCADE,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    access_expires_at timestamptz NOT NULL DEFAULT now(),
                    revoked_at timestamptz
                );
                CREATE INDEX sessions_user ON \(schema).sessions (project_id, user_id);
                CREATE TABLE \(schema).refresh_tokens (
                    hash bytea PRIMARY KEY,
                    session_id text NOT NULL REFERENCES \(schema).sessions (id) ON DELETE CASCADE,
                    project_id text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    spent_at timestamptz,
                    successor_hash bytea,
                    successor_sealed bytea
                );
                CREATE INDEX refresh_tokens_session ON \(schema).refresh_tokens (session_id);
                CREATE INDEX refresh_tokens_expires ON \(schema).refresh_tokens (expires_at);
                CREATE INDEX refresh_tokens_sealed ON \(schema).refresh_tokens (spent_at)
                    WHERE successor_sealed IS NOT NULL;
                CREATE TABLE \(schema).revocations (
                    seq bigserial PRIMARY KEY,
                    session_id text NOT NULL,
                    project_id text NOT NULL,
                    revoked_at timestamptz NOT NULL DEFAULT now(),
                    until timestamptz NOT NULL
                );
                CREATE INDEX revocations_until ON \(schema).revocations (until);
                """),
            Migration(version: 2, name: "signing keys audit settings", sql: """
                CREATE TABLE \(schema).signing_keys (
                    kid text PRIMARY KEY,
                    sealed_seed bytea NOT NULL,
                    public_key bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    retired_at timestamptz
                );
                CREATE UNIQUE INDEX signing_keys_one_current ON \(schema).signing_keys ((true))
                    WHERE retired_at IS NULL;
                CREATE TABLE \(schema).audit_events (
                    seq bigserial PRIMARY KEY,
                    project_id text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now(),
                    action text NOT NULL,
                    user_id text,
                    ip text,
                    detail text
                );
                CREATE INDEX audit_events_page ON \(schema).audit_events (project_id, seq DESC);
                CREATE TABLE \(schema).settings (
                    project_id text PRIMARY KEY,
                    site_url text,
                    redirect_allow_list jsonb NOT NULL DEFAULT '[]',
                    confirm_email boolean NOT NULL DEFAULT false,
                    access_token_lifetime integer NOT NULL DEFAULT 3600,
                    magic_link_lifetime integer NOT NULL DEFAULT 900,
                    recovery_lifetime integer NOT NULL DEFAULT 3600,
                    confirmation_lifetime integer NOT NULL DEFAULT 86400,
                    updated_at timestamptz NOT NULL DEFAULT now()
                );
                """),
            // A lifetime the project never set is NULL, so the configured default applies to it (and follows
            // the configuration). Until now the columns held the built-in defaults, indistinguishable from a
            // project's own choice: a stored value equal to its built-in default counts as unset.
            Migration(version: 3, name: "settings lifetimes nullable", sql: """
                ALTER TABLE \(schema).settings
                    ALTER COLUMN access_token_lifetime DROP NOT NULL,
                    ALTER COLUMN access_token_lifetime DROP DEFAULT,
                    ALTER COLUMN magic_link_lifetime DROP NOT NULL,
                    ALTER COLUMN magic_link_lifetime DROP DEFAULT,
                    ALTER COLUMN recovery_lifetime DROP NOT NULL,
                    ALTER COLUMN recovery_lifetime DROP DEFAULT,
                    ALTER COLUMN confirmation_lifetime DROP NOT NULL,
                    ALTER COLUMN confirmation_lifetime DROP DEFAULT;
                UPDATE \(schema).settings SET
                    access_token_lifetime = nullif(access_token_lifetime, 3600),
                    magic_link_lifetime = nullif(magic_link_lifetime, 900),
                    recovery_lifetime = nullif(recovery_lifetime, 3600),
                    confirmation_lifetime = nullif(confirmation_lifetime, 86400);
                """),
            MFAMigrations.factors(schema: schema),
            SocialMigrations.tables(schema: schema),
            // Webhook events (auth.user.created) handed to Comms by the EventOutbox worker (docs/webhooks.md).
            EventOutbox.migration(version: 6, schema: schema),
        ]
    }
}
