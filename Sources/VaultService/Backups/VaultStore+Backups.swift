import Contracts
import Foundation
import ServiceKit

/// Backups and restores of one project's vault, on either tier. A backup is a consistent snapshot: one
/// `REPEATABLE READ` transaction at the tenant's location reads its collections and documents page by page, and
/// the lines go, as NDJSON, into the catalog's `backup_lines`. A restore replaces the tenant's collections,
/// documents and indexes with a backup's in one transaction on the tenant's own tables, so readers see the old
/// vault until the commit and the new one after; other tenants' tables are never touched.
///
/// Both run in the background after the call answers 202. Each holds a transaction-scoped advisory lock
/// named after its backup while it runs, so a job whose process died (its transaction rolled back) is seen
/// as such: a `running` status whose lock is free a minute after it started reads `failed`.
extension VaultStore {
    private static let backupColumns = "id, status, size_bytes, documents, created_at, completed_at, restore, trigger"

    private static func backup(_ row: PostgresRow) throws -> BackupView {
        let (id, status, size, documents, created, completed, restore, trigger) = try row.decode(
            (String, String, Int64, Int64, Date, Date?, String?, String).self)
        return BackupView(
            id: id, status: status, sizeBytes: size, documents: documents, createdAt: created, completedAt: completed, restore: restore,
            trigger: trigger)
    }

    static let noBackup = PublicError.notFound("No such backup.")

    /// Records a new `running` backup of `projectID`; ``runBackup(id:projectID:)`` makes it.
    func startBackup(projectID: String) async throws -> BackupView {
        let id = "bkp_" + DocumentID.make()
        let rows = try await pool.query("""
            INSERT INTO \(catalog).backups (id, project_id, status) VALUES ($1, $2, 'running') RETURNING \(Self.backupColumns)
            """, [id, projectID])
        return try Self.backup(rows[0])
    }

    /// Takes the snapshot of backup `id`: one `REPEATABLE READ` transaction at the tenant's location (either
    /// tier) read page by page, its lines written into the catalog by the job's own transaction; marks it
    /// `failed` if that fails.
    func runBackup(id: String, projectID: String) async {
        do {
            try await pool.withTransaction { job in
                _ = try await job.query("SELECT pg_advisory_xact_lock(hashtext('vault.backup'), hashtext($1))", [id])
                var lines: Int64 = 0
                var documents: Int64 = 0
                if let tenant = try await tenants.tenant(projectID: projectID, in: job) {
                    let schema = tenant.location
                    try await pools.pool(for: tenant.databaseURL).withTransaction(isolationLevel: .repeatableRead) { snapshot in
                        let collections = try await snapshot.query("""
                            SELECT '{"type":"collection","collection":' || jsonb_build_object(
                                'name', name, 'indexes', indexes, 'rules', rules,
                                'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text || '}'
                            FROM \(schema).collections ORDER BY name COLLATE "C"
                            """).map { try $0.decode(String.self, at: 0) }
                        try await Self.appendLines(collections, backup: id, after: &lines, catalog: catalog, in: job)
                        var last = ("", "")
                        while true {
                            let rows = try await snapshot.query("""
                                SELECT collection, id, '{"type":"document","collection":' || to_json(collection)::text ||
                                       ',"document":' || \(Self.documentJSON) || '}'
                                FROM \(schema).documents WHERE (collection COLLATE "C", id COLLATE "C") > ($1, $2)
                                ORDER BY collection COLLATE "C", id COLLATE "C" LIMIT 1000
                                """, [last.0, last.1])
                            guard let final = rows.last else { break }
                            last = try final.decode((String, String).self)
                            try await Self.appendLines(
                                try rows.map { try $0.decode(String.self, at: 2) }, backup: id, after: &lines, catalog: catalog, in: job)
                            documents += Int64(rows.count)
                        }
                    }
                }
                try await job.execute("""
                    UPDATE \(catalog).backups SET status = 'completed', documents = $2, completed_at = clock_timestamp(),
                    size_bytes = (SELECT COALESCE(sum(octet_length(line) + 1), 0) FROM \(catalog).backup_lines WHERE backup_id = $1)
                    WHERE id = $1
                    """, [id, documents])
            }
        } catch {
            _ = try? await pool.execute(
                "UPDATE \(catalog).backups SET status = 'failed', completed_at = clock_timestamp() WHERE id = $1", [id])
        }
    }

    /// Appends `lines` to backup `id`'s, numbered after `after` (which moves on).
    private static func appendLines(
        _ lines: [String], backup id: String, after: inout Int64, catalog: String, in tx: PostgresTransaction
    ) async throws {
        guard !lines.isEmpty else { return }
        try await tx.execute("""
            INSERT INTO \(catalog).backup_lines (backup_id, line_number, line)
            SELECT $1, $2 + n, l FROM unnest($3::text[]) WITH ORDINALITY AS u(l, n)
            """, [id, after, FilterSQL.arrayLiteral(lines)])
        after += Int64(lines.count)
    }

    /// The project's backups, newest first (at most 100).
    func backups(projectID: String) async throws -> [BackupView] {
        let rows = try await pool.query("""
            SELECT id FROM \(catalog).backups WHERE project_id = $1 ORDER BY created_at DESC, id LIMIT 100
            """, [projectID])
        var views: [BackupView] = []
        for row in rows { views.append(try await backup(id: try row.decode(String.self, at: 0), projectID: projectID)) }
        return views
    }

    /// One backup of the project (another project's look absent), with abandoned jobs shown as `failed`.
    func backup(id: String, projectID: String) async throws -> BackupView {
        let query = "SELECT \(Self.backupColumns) FROM \(catalog).backups WHERE id = $1 AND project_id = $2"
        guard let row = try await pool.query(query, [id, projectID]).first else { throw Self.noBackup }
        let view = try Self.backup(row)
        guard view.status == "running" || view.restore == "running" else { return view }
        try await pool.withTransaction { tx in
            for (kind, column, started) in [("vault.backup", "status", "created_at"), ("vault.restore", "restore", "restore_started_at")] {
                // A job is alive while it holds its lock; one that started over a minute ago without it died.
                let free = try await tx.query(
                    "SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2))", [kind, id])[0].decode(Bool.self, at: 0)
                guard free else { continue }
                try await tx.execute("""
                    UPDATE \(catalog).backups SET \(column) = 'failed'
                    WHERE id = $1 AND \(column) = 'running' AND \(started) < now() - interval '1 minute'
                    """, [id])
            }
        }
        return try Self.backup(try await pool.query(query, [id, projectID])[0])
    }

    /// Lines of a completed backup after line `after`, up to about `maxBytes` (at least one line).
    func backupLines(_ request: BackupLinesRequest, projectID: String) async throws -> BackupLines {
        let view = try await backup(id: request.id, projectID: projectID)
        guard view.status == "completed" else {
            throw PublicError.conflict("The backup is \(view.status); only a completed one can be downloaded.", field: nil)
        }
        let rows = try await pool.query("""
            SELECT line_number, line FROM \(catalog).backup_lines WHERE backup_id = $1 AND line_number > $2
            ORDER BY line_number LIMIT 10000
            """, [request.id, request.after])
        var lines: [String] = []
        var bytes = 0
        var last = request.after
        for row in rows {
            let (number, line) = try row.decode((Int64, String).self)
            if !lines.isEmpty, bytes + line.utf8.count > request.maxBytes { return BackupLines(lines: lines, next: last) }
            lines.append(line)
            bytes += line.utf8.count + 1
            last = number
        }
        return BackupLines(lines: lines, next: rows.count == 10000 ? last : nil)
    }

    /// Marks a restore of completed backup `id` as `running`; 409 `CONFLICT` unless the backup is completed
    /// and no restore of it runs.
    func startRestore(id: String, projectID: String) async throws -> BackupView {
        let view = try await backup(id: id, projectID: projectID)
        guard view.status == "completed" else {
            throw PublicError.conflict("The backup is \(view.status); only a completed one can be restored.", field: "backup_id")
        }
        let rows = try await pool.query("""
            UPDATE \(catalog).backups SET restore = 'running', restore_started_at = clock_timestamp()
            WHERE id = $1 AND restore IS DISTINCT FROM 'running' RETURNING \(Self.backupColumns)
            """, [id])
        guard let row = rows.first else { throw PublicError.conflict("A restore of this backup is running.", field: "backup_id") }
        return try Self.backup(row)
    }

    /// Replaces the project's vault with backup `id`, in one transaction at the tenant's location (either tier),
    /// under the tenant's lock taken exclusively (writes wait for the restore, and a move for it); marks the
    /// restore `completed` or `failed`.
    func runRestore(id: String, projectID: String) async {
        do {
            _ = try await tenants.ensure(projectID: projectID)
            try await pool.withTransaction { job in
                _ = try await job.query("SELECT pg_advisory_xact_lock(hashtext('vault.restore'), hashtext($1))", [id])
                _ = try await job.query("SELECT pg_advisory_xact_lock(hashtext('vault.tenant'), hashtext($1))", [projectID])
                guard let tenant = try await tenants.tenant(projectID: projectID, in: job) else { throw Self.noCollection }
                let schema = tenant.location
                let restore = { (tx: PostgresTransaction) async throws in
                    try await tx.execute("DELETE FROM \(schema).collections")
                    var after: Int64 = 0
                    while true {
                        let rows = try await job.query("""
                            SELECT line_number, line FROM \(self.catalog).backup_lines WHERE backup_id = $1 AND line_number > $2
                            ORDER BY line_number LIMIT 1000
                            """, [id, after])
                        guard let last = rows.last else { break }
                        after = try last.decode(Int64.self, at: 0)
                        try await Self.insertLines(try rows.map { try $0.decode(String.self, at: 1) }, schema: schema, in: tx)
                    }
                    try await self.restoreIndexes(schema: schema, in: tx)
                }
                if let url = tenant.databaseURL {
                    try await pools.pool(for: url).withTransaction { tx in try await restore(tx) }
                } else {
                    try await restore(job)
                }
                try await job.execute("UPDATE \(catalog).backups SET restore = 'completed' WHERE id = $1", [id])
            }
        } catch {
            _ = try? await pool.execute("UPDATE \(catalog).backups SET restore = 'failed' WHERE id = $1", [id])
        }
    }

    /// Inserts backup lines (collections before their documents, as backups order them) into `schema`.
    private static func insertLines(_ lines: [String], schema: String, in tx: PostgresTransaction) async throws {
        let array = FilterSQL.arrayLiteral(lines)
        try await tx.execute("""
            INSERT INTO \(schema).collections (name, rules, indexes, created_at)
            SELECT c ->> 'name', c -> 'rules', c -> 'indexes', (c ->> 'created_at')::timestamptz
            FROM (SELECT line::jsonb -> 'collection' AS c FROM unnest($1::text[]) AS u(line)
                  WHERE line LIKE '{"type":"collection"%') l
            """, [array])
        try await tx.execute("""
            INSERT INTO \(schema).documents (collection, id, version, owner_id, created_at, updated_at, data)
            SELECT l.c, d ->> 'id', (d ->> 'version')::bigint, d ->> 'owner_id', (d ->> 'created_at')::timestamptz,
                   (d ->> 'updated_at')::timestamptz, d -> 'data'
            FROM (SELECT line::jsonb ->> 'collection' AS c, line::jsonb -> 'document' AS d FROM unnest($1::text[]) AS u(line)
                  WHERE line LIKE '{"type":"document"%') l
            """, [array])
    }

    /// Makes the tenant's indexes those its (restored) collections declare, inside the restore's transaction:
    /// indexes of the same declaration are kept, others dropped, missing ones built (plain `CREATE INDEX`).
    private func restoreIndexes(schema: String, in tx: PostgresTransaction) async throws {
        var wanted: [String: (DeclaredIndex, String)] = [:]
        for row in try await tx.query("SELECT name, indexes FROM \(schema).collections") {
            let (collection, declarations) = try row.decode((String, PostgresJSON<[CollectionIndex]>).self)
            for declaration in declarations.value {
                let index = try DeclaredIndex(declaration, field: "indexes")
                wanted[index.name(collection: collection)] = (index, collection)
            }
        }
        let existing = try await tx.query("""
            SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'i' AND starts_with(c.relname::text, 'ix_')
            """, [schema]).map { try $0.decode(String.self, at: 0) }
        for name in existing where wanted[name] == nil { try await tx.execute("DROP INDEX \(schema).\(name)") }
        for (name, (index, collection)) in wanted where !existing.contains(name) {
            try await tx.execute(try await Self.createStatement(index, schema: schema, collection: collection, concurrently: false, in: tx))
        }
    }
}
