import Contracts
import Foundation
import ServiceKit

/// Moves one tenant online between tiers: from the vault's own database (shared) to a database of its own
/// (dedicated: a new database on the same server by default, or `database_url`, possibly another server),
/// or back. Reads never fail, no write is lost, and the API is the same after.
///
/// 1. The catalog row says `move_state = copying` (with the target); the job holds an advisory lock named after
///    the project in a transaction of its own for as long as it runs, so a process that died mid-move is seen.
/// 2. On the source a trigger on `documents` and `collections` logs each changed key into `move_changes`.
/// 3. The target gets the tenant schema (latest version) and the merge-patch function; a `REPEATABLE READ` copy
///    of collections and documents (pages of 500, JSON through the service), then the declared indexes.
/// 4. Catch-up: the logged keys are replayed (each key's current row copied, or deleted) until a round is small.
/// 5. Switch: the tenant's lock taken exclusively (writes in flight finish, new ones wait — the pause), a final
///    catch-up, the missing indexes, the catalog pointed at the target, commit. Writes then go to the target.
/// 6. The source schema is dropped after `dropGrace` (reads that looked it up just before the switch finish).
///
/// A failure before the switch, or a restart (``recover()``), rolls back: the trigger and log are dropped on
/// the source, the schema on the target, and the move reads `failed` with its error.
struct TenantMover: Sendable {
    /// The store (catalog, pools).
    let store: VaultStore
    /// How long the source copy is kept after the switch.
    var dropGrace: Duration = .seconds(30)
    /// A round of catch-up this small (keys) goes to the switch.
    var smallRound = 50
    /// Where moves are logged (project, phase; never the URL's credentials).
    var logger: Logger?

    private var catalog: String { store.catalog }
    private var pool: PostgresPool { store.pool }

    /// Starts moving `projectID` to `tier` (`dedicated` at `databaseURL`, default a new database on the vault's
    /// server named after the tenant schema; or `shared`); 409 when it has no vault, is there already, is moving,
    /// or is behind on tenant migrations.
    func start(projectID: String, tier: String, databaseURL: String?) async throws -> String? {
        guard tier == "dedicated" || tier == "shared" else {
            throw PublicError.validation("tier", "tier is dedicated or shared.")
        }
        guard let tenant = try await store.tenants.tenant(projectID: projectID) else {
            throw PublicError.conflict("The project has no vault yet (create a collection first).", field: nil)
        }
        guard tenant.moveState != "copying" else { throw PublicError.conflict("The project's vault is moving already.", field: nil) }
        guard tenant.tier != tier else { throw PublicError.conflict("The project's vault is on the \(tier) tier already.", field: "tier") }
        guard tenant.schemaVersion == TenantMigrations.latest else {
            throw PublicError.conflict("The project's vault is behind on tenant migrations; move it after they ran.", field: nil)
        }
        var target: String?
        if tier == "dedicated" {
            if let databaseURL {
                guard (try? PostgresConfiguration(url: databaseURL)) != nil else {
                    throw PublicError.validation("database_url", "database_url is a postgres:// URL.")
                }
                target = databaseURL
            } else {
                target = try await Self.defaultDatabase(for: tenant.location, on: pool)
            }
        } else if databaseURL != nil {
            throw PublicError.validation("database_url", "The shared tier is the vault's own database.")
        }
        let updated = try await pool.execute("""
            UPDATE \(catalog).tenants SET move_state = 'copying', move_tier = $2, move_target_url = $3,
            move_started_at = clock_timestamp(), move_finished_at = NULL, move_pause_ms = NULL, move_error = NULL
            WHERE project_id = $1 AND move_state IS DISTINCT FROM 'copying'
            """, [projectID, tier, target])
        guard updated == 1 else { throw PublicError.conflict("The project's vault is moving already.", field: nil) }
        return target
    }

    /// A new database on the vault's server named after the tenant schema (made when missing), as a URL.
    private static func defaultDatabase(for schema: String, on pool: PostgresPool) async throws -> String {
        if try await pool.query("SELECT 1 FROM pg_database WHERE datname = $1", [schema]).isEmpty {
            // The name is the hash-derived schema name, never caller text.
            try await pool.execute("CREATE DATABASE \(schema)")
        }
        guard var components = URLComponents(string: pool.configuration.url) else {
            throw PublicError(.internal, "The vault's database URL cannot be read.")
        }
        components.path = "/" + schema
        return components.string ?? pool.configuration.url
    }

    /// Runs the move `start` recorded; `stopBeforeSwitch` (tests) leaves it copying as a crash would.
    /// Returns the write pause, or nil when it failed (the catalog has the error).
    @discardableResult
    func run(projectID: String, stopBeforeSwitch: Bool = false) async -> Duration? {
        do {
            return try await pool.withTransaction { job in
                let locked = try await job.query(
                    "SELECT pg_try_advisory_xact_lock(hashtext('vault.move'), hashtext($1))", [projectID])[0].decode(Bool.self, at: 0)
                guard locked else { return nil }  // another replica runs it
                let row = try await job.query("""
                    SELECT location, database_url, move_tier, move_target_url FROM \(catalog).tenants
                    WHERE project_id = $1 AND move_state = 'copying'
                    """, [projectID])
                guard let first = row.first else { return nil }
                let (schema, sourceURL, tier, targetURL) = try first.decode((String, String?, String, String?).self)
                let source = try store.pools.pool(for: sourceURL)
                let target = try store.pools.pool(for: targetURL)
                do {
                    try await prepare(schema: schema, source: source, target: target)
                    try await copy(schema: schema, source: source, target: target)
                    var last: Int64 = 0
                    for _ in 0..<100 {
                        let (count, next) = try await catchUp(schema: schema, after: last, source: source, target: target)
                        last = next
                        if count < smallRound { break }
                    }
                    if stopBeforeSwitch { return nil }
                    let pause = try await switchOver(
                        projectID: projectID, schema: schema, after: last, tier: tier, targetURL: targetURL, source: source, target: target)
                    logger?.info("vault tenant moved", metadata: [.projectID: .string(projectID), LogKey("vault.tier"): .string(tier)])
                    let grace = dropGrace
                    Task {
                        try? await Task.sleep(for: grace)
                        _ = try? await source.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
                    }
                    return pause
                } catch {
                    try? await rollBack(projectID: projectID, schema: schema, source: source, target: target, error: error)
                    return nil
                }
            }
        } catch {
            logger?.warning("vault tenant move failed", metadata: [.projectID: .string(projectID)])
            return nil
        }
    }

    /// Rolls back every move that a process left `copying` and that no job holds (at start, on every replica).
    func recover() async throws {
        let moving = try await pool.query(
            "SELECT project_id, location, database_url, move_target_url FROM \(catalog).tenants WHERE move_state = 'copying'")
        for row in moving {
            let (projectID, schema, sourceURL, targetURL) = try row.decode((String, String, String?, String?).self)
            try await pool.withTransaction { job in
                let free = try await job.query(
                    "SELECT pg_try_advisory_xact_lock(hashtext('vault.move'), hashtext($1))", [projectID])[0].decode(Bool.self, at: 0)
                guard free else { return }
                try await rollBack(
                    projectID: projectID, schema: schema, source: try store.pools.pool(for: sourceURL),
                    target: try store.pools.pool(for: targetURL), error: MoveInterrupted())
            }
        }
    }

    /// A move that a restart cut.
    struct MoveInterrupted: Error, CustomStringConvertible {
        var description: String { "interrupted by a restart of the vault service" }
    }

    // MARK: - Phases

    /// The change log and its triggers on the source; the tenant schema and the merge-patch function on the target.
    private func prepare(schema: String, source: PostgresPool, target: PostgresPool) async throws {
        try await source.withTransaction { tx in
            try await tx.execute("CREATE TABLE \(schema).move_changes (seq bigserial PRIMARY KEY, collection text NOT NULL, id text)")
            try await tx.execute("""
                CREATE FUNCTION \(schema).move_log() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF TG_TABLE_NAME = 'collections' THEN
                        IF TG_OP = 'DELETE' THEN
                            INSERT INTO \(schema).move_changes (collection, id) VALUES (OLD.name, NULL);
                        ELSE
                            INSERT INTO \(schema).move_changes (collection, id) VALUES (NEW.name, NULL);
                        END IF;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO \(schema).move_changes (collection, id) VALUES (OLD.collection, OLD.id);
                    ELSE
                        INSERT INTO \(schema).move_changes (collection, id) VALUES (NEW.collection, NEW.id);
                    END IF;
                    RETURN NULL;
                END
                $fn$
                """)
            for table in ["collections", "documents"] {
                try await tx.execute("""
                    CREATE TRIGGER move_log AFTER INSERT OR UPDATE OR DELETE ON \(schema).\(table)
                    FOR EACH ROW EXECUTE FUNCTION \(schema).move_log()
                    """)
            }
        }
        guard try await target.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]).isEmpty else {
            throw PublicError.conflict("The target database holds this tenant's schema already.", field: "database_url")
        }
        try await target.withTransaction { tx in
            try await tx.execute("CREATE SCHEMA IF NOT EXISTS \(catalog)")
            try await tx.execute(VaultServiceMigrations.mergePatchFunction(schema: catalog, replace: true))
            for step in TenantMigrations.all {
                for statement in step.statements(schema) { try await tx.execute(statement) }
            }
            // Marks the copy as this move's, so a rollback drops only a schema it made.
            try await tx.execute("COMMENT ON SCHEMA \(schema) IS '\(Self.copyMark)'")
        }
    }

    /// The comment on a target schema while it is a move's copy.
    private static let copyMark = "purrpurr vault: copy of a move in progress"

    /// The snapshot copy: collections, then documents in pages of 500, then the declared indexes.
    private func copy(schema: String, source: PostgresPool, target: PostgresPool) async throws {
        try await source.withTransaction(isolationLevel: .repeatableRead) { snapshot in
            let collections = try await snapshot.query(
                "SELECT COALESCE(json_agg(c), '[]')::text FROM \(schema).collections c")[0].decode(String.self, at: 0)
            try await target.execute(
                "INSERT INTO \(schema).collections SELECT * FROM jsonb_populate_recordset(NULL::\(schema).collections, $1::jsonb)",
                [collections])
            var last = ("", "")
            while true {
                let page = try await snapshot.query("""
                    SELECT count(*), max(collection COLLATE "C"), (array_agg(id ORDER BY collection COLLATE "C" DESC, id COLLATE "C" DESC))[1],
                           COALESCE(json_agg(d), '[]')::text
                    FROM (SELECT * FROM \(schema).documents WHERE (collection COLLATE "C", id COLLATE "C") > ($1, $2)
                          ORDER BY collection COLLATE "C", id COLLATE "C" LIMIT 500) d
                    """, [last.0, last.1])
                let (count, collection, id, rows) = try page[0].decode((Int64, String?, String?, String).self)
                guard count > 0, let collection, let id else { break }
                try await target.execute(
                    "INSERT INTO \(schema).documents SELECT * FROM jsonb_populate_recordset(NULL::\(schema).documents, $1::jsonb)",
                    [rows])
                last = (collection, id)
            }
        }
        try await buildMissingIndexes(schema: schema, target: target)
    }

    /// Replays the keys logged after `after`: each one's current row on the source copied to the target (or
    /// deleted there). Returns how many keys and the last sequence number read.
    private func catchUp(
        schema: String, after: Int64, source: any PostgresClient, target: any PostgresClient
    ) async throws -> (count: Int, last: Int64) {
        let changes = try await source.query("""
            SELECT collection, id, max(seq) FROM \(schema).move_changes WHERE seq > $1
            GROUP BY collection, id ORDER BY max(seq) LIMIT 5000
            """, [after])
        guard !changes.isEmpty else { return (0, after) }
        var last = after
        var collections: [String] = []
        var documents: [(String, String)] = []
        for row in changes {
            let (collection, id, seq) = try row.decode((String, String?, Int64).self)
            last = max(last, seq)
            if let id { documents.append((collection, id)) } else { collections.append(collection) }
        }
        var deletedCollections: [String] = []
        for name in collections {
            let current = try await source.query(
                "SELECT COALESCE(json_agg(c), '[]')::text, count(*) FROM \(schema).collections c WHERE name = $1", [name])
            let (json, count) = try current[0].decode((String, Int64).self)
            if count == 0 { deletedCollections.append(name); continue }
            try await target.execute("""
                INSERT INTO \(schema).collections SELECT * FROM jsonb_populate_recordset(NULL::\(schema).collections, $1::jsonb)
                ON CONFLICT (name) DO UPDATE SET rules = EXCLUDED.rules, indexes = EXCLUDED.indexes, created_at = EXCLUDED.created_at
                """, [json])
        }
        for (collection, id) in documents {
            let current = try await source.query("""
                SELECT COALESCE(json_agg(d), '[]')::text, count(*) FROM \(schema).documents d WHERE collection = $1 AND id = $2
                """, [collection, id])
            let (json, count) = try current[0].decode((String, Int64).self)
            if count == 0 {
                try await target.execute("DELETE FROM \(schema).documents WHERE collection = $1 AND id = $2", [collection, id])
            } else {
                try await target.execute("""
                    INSERT INTO \(schema).documents SELECT * FROM jsonb_populate_recordset(NULL::\(schema).documents, $1::jsonb)
                    ON CONFLICT (collection, id) DO UPDATE SET version = EXCLUDED.version, owner_id = EXCLUDED.owner_id,
                    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, data = EXCLUDED.data
                    """, [json])
            }
        }
        for name in deletedCollections {
            try await target.execute("DELETE FROM \(schema).collections WHERE name = $1", [name])
        }
        return (changes.count, last)
    }

    /// The switch: the tenant's lock exclusively (the write pause), the final catch-up, the catalog pointed at
    /// the target. Returns how long writes were held.
    private func switchOver(
        projectID: String, schema: String, after: Int64, tier: String, targetURL: String?, source: PostgresPool, target: PostgresPool
    ) async throws -> Duration {
        let clock = ContinuousClock()
        let started = clock.now  // new writes wait from the moment the exclusive lock is asked for
        try await pool.withTransaction { main in
            _ = try await main.query("SELECT pg_advisory_xact_lock(hashtext('vault.tenant'), hashtext($1))", [projectID])
            // Writes held by the lock may hold every connection of the vault's own pool: the side of the move in
            // that database goes through this transaction's connection.
            let from: any PostgresClient = source === pool ? main : source
            let to: any PostgresClient = target === pool ? main : target
            var last = after
            while true {
                let (count, next) = try await catchUp(schema: schema, after: last, source: from, target: to)
                last = next
                if count == 0 { break }
            }
            try await buildMissingIndexes(schema: schema, target: to)
            try await to.execute("COMMENT ON SCHEMA \(schema) IS NULL")
            let pause = clock.now - started
            let milliseconds = Int(pause.components.seconds * 1000 + pause.components.attoseconds / 1_000_000_000_000_000)
            try await main.execute("""
                UPDATE \(catalog).tenants SET tier = $2, database_url = $3, move_state = 'completed',
                move_finished_at = clock_timestamp(), move_pause_ms = $4 WHERE project_id = $1
                """, [projectID, tier, targetURL, milliseconds])
        }
        return clock.now - started
    }

    /// Builds on the target the declared indexes it lacks (it is not serving yet: plain `CREATE INDEX`).
    private func buildMissingIndexes(schema: String, target: any PostgresClient) async throws {
        let existing = Set(try await target.query("""
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'i'
            """, [schema]).map { try $0.decode(String.self, at: 0) })
        for row in try await target.query("SELECT name, indexes FROM \(schema).collections") {
            let (collection, declarations) = try row.decode((String, PostgresJSON<[CollectionIndex]>).self)
            for declaration in declarations.value {
                let index = try DeclaredIndex(declaration, field: "indexes")
                guard !existing.contains(index.name(collection: collection)) else { continue }
                try await target.execute(
                    try await VaultStore.createStatement(index, schema: schema, collection: collection, concurrently: false, in: target))
            }
        }
    }

    /// Undoes a move that did not switch: the trigger and log on the source, the schema on the target; the
    /// catalog reads `failed` with `error`.
    private func rollBack(projectID: String, schema: String, source: PostgresPool, target: PostgresPool, error: any Error) async throws {
        logger?.warning("vault tenant move rolled back", metadata: [.projectID: .string(projectID)])
        for table in ["collections", "documents"] {
            _ = try? await source.execute("DROP TRIGGER IF EXISTS move_log ON \(schema).\(table)")
        }
        _ = try? await source.execute("DROP TABLE IF EXISTS \(schema).move_changes")
        _ = try? await source.execute("DROP FUNCTION IF EXISTS \(schema).move_log()")
        let ours = try? await target.query("""
            SELECT 1 FROM pg_namespace WHERE nspname = $1 AND obj_description(oid, 'pg_namespace') = $2
            """, [schema, Self.copyMark])
        if target !== source, ours?.isEmpty == false { _ = try? await target.execute("DROP SCHEMA \(schema) CASCADE") }
        let message = String((error as? PostgresError).map { "\($0.sqlState ?? "?"): \($0.serverMessage ?? "failed")" }
            ?? String(describing: error)).prefix(500)
        try await pool.execute("""
            UPDATE \(catalog).tenants SET move_state = 'failed', move_error = $2, move_finished_at = clock_timestamp()
            WHERE project_id = $1 AND move_state = 'copying'
            """, [projectID, String(message)])
    }
}
