/// The versioned steps of a tenant's own schema (its collections and documents). A new tenant is created
/// at the latest version in one transaction with its catalog row; bringing older tenants forward (the
/// fan-out) comes with the first step that needs it.
///
/// Append only, like the service's own migrations. Each step is a list of statements over the tenant's
/// schema name, which the catalog derives from the project id (``TenantCatalog/schemaName(catalog:projectID:)``),
/// never from input text.
enum TenantMigrations {
    /// One step: its version and its statements for a schema.
    struct Step: Sendable {
        let version: Int
        let statements: @Sendable (_ schema: String) -> [String]
    }

    /// Every step, in order.
    static let all: [Step] = [
        Step(version: 1) { schema in [
            "CREATE SCHEMA \(schema)",
            """
            CREATE TABLE \(schema).collections (
                name text PRIMARY KEY,
                rules jsonb NOT NULL,
                indexes jsonb NOT NULL DEFAULT '[]',
                created_at timestamptz NOT NULL DEFAULT clock_timestamp()
            )
            """,
            """
            CREATE TABLE \(schema).documents (
                collection text NOT NULL REFERENCES \(schema).collections (name) ON DELETE CASCADE,
                id text NOT NULL,
                version bigint NOT NULL DEFAULT 1,
                owner_id text,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                data jsonb NOT NULL,
                PRIMARY KEY (collection, id)
            )
            """,
            // The default order (created_at, then id byte-wise) and the owner rule's filter.
            "CREATE INDEX ON \(schema).documents (collection, created_at, (id COLLATE \"C\"))",
            "CREATE INDEX ON \(schema).documents (collection, owner_id) WHERE owner_id IS NOT NULL",
        ] },
    ]

    /// The version a new tenant is created at.
    static var latest: Int { all.last?.version ?? 0 }
}
