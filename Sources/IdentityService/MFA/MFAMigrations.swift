import ServiceKit

/// The MFA step of the `identity` schema (core version 4): TOTP factors, their recovery codes, and the
/// session's assurance (`aal`, `amr`) so a refresh keeps it.
enum MFAMigrations {
    /// `mfa_factors` (secret sealed with the master key; `last_step` for replay protection; failures and lock),
    /// `mfa_recovery_codes` (SHA-256 of each code, single use), `sessions.aal` / `sessions.amr`.
    static func factors(schema: String) -> Migration {
        Migration(version: 4, name: "mfa factors and session assurance", sql: """
            CREATE TABLE \(schema).mfa_factors (
                id text PRIMARY KEY,
                project_id text NOT NULL,
                user_id text NOT NULL REFERENCES \(schema).users (id) ON DELETE CASCADE,
                sealed_secret bytea NOT NULL,
                created_at timestamptz NOT NULL,
                verified_at timestamptz,
                last_step bigint NOT NULL DEFAULT -1,
                failures integer NOT NULL DEFAULT 0,
                locked_until timestamptz
            );
            CREATE INDEX mfa_factors_user ON \(schema).mfa_factors (project_id, user_id);
            CREATE TABLE \(schema).mfa_recovery_codes (
                factor_id text NOT NULL REFERENCES \(schema).mfa_factors (id) ON DELETE CASCADE,
                hash bytea NOT NULL,
                used_at timestamptz,
                PRIMARY KEY (factor_id, hash)
            );
            ALTER TABLE \(schema).sessions
                ADD COLUMN aal text NOT NULL DEFAULT 'aal1',
                ADD COLUMN amr text NOT NULL DEFAULT '[]';
            """)
    }
}
