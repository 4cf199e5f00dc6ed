import Contracts
import ServiceKit

/// The ordered schema steps of the `vault` schema (the tenant catalog and the shared functions), applied at
/// start under an advisory lock. The projects' own tables are in their tenant schemas
/// (``TenantMigrations``).
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The schema name is a parameter so tests can each use their own.
enum VaultServiceMigrations {
    /// The schema this service owns in its database.
    static let schema = MeshService.vault.name
    /// Every step, in order, for the production schema.
    static let all: [Migration] = steps(schema: schema)

    /// `<schema>.json_merge_patch(target, patch)`: RFC 7396 in PL/pgSQL. Also made in a dedicated tenant's
    /// database, so writes run the same SQL on either tier.
    /// (Migration 1 creates it; `replace` makes it `CREATE OR REPLACE`.)
    static func mergePatchFunction(schema: String, replace: Bool = false) -> String {
        """
                -- RFC 7396 JSON Merge Patch: a non-object patch replaces; null members remove; objects merge.
                CREATE \(replace ? "OR REPLACE " : "")FUNCTION \(schema).json_merge_patch(target jsonb, patch jsonb) RETURNS jsonb
                LANGUAGE plpgsql IMMUTABLE AS $fn$
                DECLARE
                    member text;
                    value jsonb;
                    result jsonb;
                BEGIN
                    IF jsonb_typeof(patch) IS DISTINCT FROM 'object' THEN
                        RETURN patch;
                    END IF;
                    IF jsonb_typeof(target) IS DISTINCT FROM 'object' THEN
                        result := '{}'::jsonb;
                    ELSE
                        result := target;
                    END IF;
                    FOR member, value IN SELECT key, patch_value FROM jsonb_each(patch) AS each(key, patch_value) LOOP
                        IF jsonb_typeof(value) = 'null' THEN
                            result := result - member;
                        ELSE
                            result := jsonb_set(result, ARRAY[member],
                                                \(schema).json_merge_patch(result -> member, value));
                        END IF;
                    END LOOP;
                    RETURN result;
                END
                $fn$;
        """
    }

    /// Every step, in order, in `schema` (a plain lowercase identifier).
    static func steps(schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "tenant catalog, json merge patch", sql: """
                CREATE TABLE \(schema).tenants (
                    project_id text PRIMARY KEY,
                    tier text NOT NULL DEFAULT 'shared' CHECK (tier IN ('shared', 'dedicated')),
                    location text NOT NULL UNIQUE,
                    schema_version integer NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                );
                \(mergePatchFunction(schema: schema))
                """),
            Migration(version: 2, name: "tenant migration status", sql: """
                ALTER TABLE \(schema).tenants
                    ADD COLUMN migration_error text,
                    ADD COLUMN migration_failures integer NOT NULL DEFAULT 0,
                    ADD COLUMN migration_retry_at timestamptz,
                    ADD COLUMN migration_failed_version integer;
                """),
            Migration(version: 3, name: "tenant backups", sql: """
                CREATE TABLE \(schema).backups (
                    id text PRIMARY KEY,
                    project_id text NOT NULL,
                    status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
                    size_bytes bigint NOT NULL DEFAULT 0,
                    documents bigint NOT NULL DEFAULT 0,
                    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    completed_at timestamptz,
                    restore text CHECK (restore IN ('running', 'completed', 'failed')),
                    restore_started_at timestamptz
                );
                CREATE INDEX ON \(schema).backups (project_id, created_at DESC);
                -- The NDJSON of each backup, one row a line, numbered from 1 (collections first).
                CREATE TABLE \(schema).backup_lines (
                    backup_id text NOT NULL REFERENCES \(schema).backups (id) ON DELETE CASCADE,
                    line_number bigint NOT NULL,
                    line text NOT NULL,
                    PRIMARY KEY (backup_id, line_number)
                );
                """),
            Migration(version: 4, name: "dedicated tier and moves", sql: """
                ALTER TABLE \(schema).tenants
                    ADD COLUMN database_url text,
                    ADD COLUMN move_state text CHECK (move_state IN ('copying', 'completed', 'failed')),
                    ADD COLUMN move_tier text,
                    ADD COLUMN move_target_url text,
                    ADD COLUMN move_started_at timestamptz,
                    ADD COLUMN move_finished_at timestamptz,
                    ADD COLUMN move_pause_ms integer,
                    ADD COLUMN move_error text;
                """),
            Migration(version: 5, name: "scheduled backups", sql: """
                -- Who asked for a backup: the project ('manual') or the schedule ('scheduled', pruned after the
                -- retention). A tenant's next scheduled backup is due at next_backup_at (NULL: a day, or the
                -- configured interval, after the tenant was made).
                ALTER TABLE \(schema).backups
                    ADD COLUMN trigger text NOT NULL DEFAULT 'manual' CHECK (trigger IN ('manual', 'scheduled'));
                CREATE INDEX ON \(schema).backups (created_at) WHERE trigger = 'scheduled';
                ALTER TABLE \(schema).tenants ADD COLUMN next_backup_at timestamptz;
                """),
        ]
    }
}
