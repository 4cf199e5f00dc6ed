import ServiceKit

/// The social-login step of the `identity` schema (core version 5).
enum SocialMigrations {
    /// `oauth_providers` (per project; the client secret sealed with the master key), `oauth_flows` (one row
    /// per started sign-in: the state's id, single use, 10 min), `oauth_auth_codes` (the one-time codes the
    /// callback hands the app, stored as SHA-256, 5 min) and `identities` (a provider's user linked to a user).
    static func tables(schema: String) -> Migration {
        Migration(version: 5, name: "social login providers flows identities", sql: """
            CREATE TABLE \(schema).oauth_providers (
                project_id text NOT NULL,
                provider text NOT NULL,
                client_id text NOT NULL,
                sealed_secret bytea NOT NULL,
                enabled boolean NOT NULL,
                issuer text,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (project_id, provider)
            );
            CREATE TABLE \(schema).oauth_flows (
                id text PRIMARY KEY,
                project_id text NOT NULL,
                provider text NOT NULL,
                redirect_to text NOT NULL,
                code_challenge text NOT NULL,
                provider_verifier text NOT NULL,
                nonce text NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz
            );
            CREATE INDEX oauth_flows_expiry ON \(schema).oauth_flows (expires_at);
            CREATE TABLE \(schema).identities (
                project_id text NOT NULL,
                provider text NOT NULL,
                provider_user_id text NOT NULL,
                user_id text NOT NULL REFERENCES \(schema).users (id) ON DELETE CASCADE,
                issuer text,
                email text,
                created_at timestamptz NOT NULL,
                last_sign_in_at timestamptz NOT NULL,
                PRIMARY KEY (project_id, provider, provider_user_id),
                UNIQUE (project_id, user_id, provider)
            );
            CREATE TABLE \(schema).oauth_auth_codes (
                code_hash bytea PRIMARY KEY,
                project_id text NOT NULL,
                user_id text NOT NULL REFERENCES \(schema).users (id) ON DELETE CASCADE,
                provider text NOT NULL,
                code_challenge text NOT NULL,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL,
                used_at timestamptz
            );
            CREATE INDEX oauth_auth_codes_expiry ON \(schema).oauth_auth_codes (expires_at);
            """)
    }
}
