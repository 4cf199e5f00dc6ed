import ServiceKit

/// The schema steps of the one-time links (magic links, recovery, signup confirmation) and the limits'
/// counters (``WindowLimiter``), versions 100 and up; the IdentityService appends them to its own steps.
///
/// Append only: a step that has shipped is never edited or reordered. The schema name is a parameter so
/// tests can each use their own (``steps(schema:)``).
enum IdentityLinkMigrations {
    /// Every step, in order, for the production schema `identity`.
    static let steps: [Migration] = steps(schema: "identity")

    /// Every step, in order, creating the tables in `schema` (a plain lowercase identifier).
    static func steps(schema: String) -> [Migration] {
        [
            Migration(version: 100, name: "one-time tokens and link limits", sql: """
                CREATE TABLE \(schema).one_time_tokens (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    type text NOT NULL CHECK (type IN ('magiclink', 'signup', 'recovery')),
                    email text NOT NULL,
                    user_id text,
                    token_hash bytea NOT NULL UNIQUE,
                    code_salt bytea NOT NULL,
                    code_hash bytea NOT NULL,
                    wrong_guesses integer NOT NULL DEFAULT 0,
                    redirect_to text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    consumed_at timestamptz
                );
                CREATE INDEX one_time_tokens_live ON \(schema).one_time_tokens (project_id, type, email, created_at)
                    WHERE consumed_at IS NULL;
                CREATE INDEX one_time_tokens_expires ON \(schema).one_time_tokens (expires_at);
                CREATE TABLE \(schema).email_sends (
                    id bigserial PRIMARY KEY,
                    project_id text NOT NULL,
                    email text NOT NULL,
                    flow text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX email_sends_window ON \(schema).email_sends (project_id, email, flow, at);
                CREATE TABLE \(schema).link_address_hits (
                    id bigserial PRIMARY KEY,
                    project_id text NOT NULL,
                    address text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now()
                );
                CREATE INDEX link_address_hits_window ON \(schema).link_address_hits (project_id, address, at);
                """),
            // The hits table becomes the counter of every `WindowLimiter`: `scope` says what a row counts and
            // `address` holds the counted key (a client address, or a normalised email for `password_email`).
            // Rows written before this step (or by a replica not yet upgraded) are the links' address hits.
            Migration(version: 101, name: "limit hits scope", sql: """
                ALTER TABLE \(schema).link_address_hits ADD COLUMN scope text NOT NULL DEFAULT 'link_address';
                CREATE INDEX link_address_hits_scope_window
                    ON \(schema).link_address_hits (project_id, scope, address, at);
                CREATE INDEX link_address_hits_at ON \(schema).link_address_hits (at);
                DROP INDEX \(schema).link_address_hits_window;
                """),
        ]
    }
}
