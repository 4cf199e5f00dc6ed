import Contracts
import Foundation
import ServiceKit

/// The schedule's side of backups (``BackupScheduler``): claiming a tenant whose scheduled backup is due, and
/// pruning scheduled backups past the retention.
extension VaultStore {
    /// Claims one tenant whose scheduled backup is due and records its `running` backup (`trigger` =
    /// `scheduled`), in one transaction; nil when none is due.
    ///
    /// A tenant is due at `next_backup_at`, or `every` after it was made when it never had one. The claim
    /// locks the tenant's row with `SKIP LOCKED` (replicas take different tenants) and moves `next_backup_at`
    /// to `retryAfter` from now, so a backup whose process dies is tried again then rather than a whole
    /// interval later; ``finishScheduledBackup(id:projectID:every:)`` sets the real next time once it completed.
    func claimScheduledBackup(every: Duration, retryAfter: Duration) async throws -> (id: String, projectID: String)? {
        let id = "bkp_" + DocumentID.make()
        let rows = try await pool.query("""
            WITH due AS (
                SELECT project_id FROM \(catalog).tenants
                WHERE COALESCE(next_backup_at, created_at + $2::bigint * interval '1 millisecond') <= clock_timestamp()
                ORDER BY COALESCE(next_backup_at, created_at + $2::bigint * interval '1 millisecond'), project_id
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            ), moved AS (
                UPDATE \(catalog).tenants t SET next_backup_at = clock_timestamp() + $3::bigint * interval '1 millisecond'
                FROM due WHERE t.project_id = due.project_id
                RETURNING t.project_id
            )
            INSERT INTO \(catalog).backups (id, project_id, status, trigger)
            SELECT $1, project_id, 'running', 'scheduled' FROM moved
            RETURNING project_id
            """, [id, every.wholeMilliseconds, retryAfter.wholeMilliseconds])
        guard let row = rows.first else { return nil }
        return (id, try row.decode(String.self, at: 0))
    }

    /// After scheduled backup `id` ran: when it completed, the tenant's next one is due `every` after it was
    /// claimed; when it failed, the retry time the claim set stands. Answers whether it completed.
    @discardableResult
    func finishScheduledBackup(id: String, projectID: String, every: Duration) async throws -> Bool {
        try await !pool.query("""
            UPDATE \(catalog).tenants t SET next_backup_at = b.created_at + $3::bigint * interval '1 millisecond'
            FROM \(catalog).backups b
            WHERE t.project_id = $2 AND b.id = $1 AND b.project_id = $2 AND b.status = 'completed'
            RETURNING 1
            """, [id, projectID, every.wholeMilliseconds]).isEmpty
    }

    /// Deletes up to `limit` scheduled backups made more than `olderThan` ago, with their lines, oldest first —
    /// never one still running or being restored from, and never a project's newest completed backup (a
    /// project that stopped changing keeps one). Returns how many went.
    func pruneScheduledBackups(olderThan: Duration, limit: Int) async throws -> Int {
        let rows = try await pool.query("""
            WITH old AS (
                SELECT b.id FROM \(catalog).backups b
                WHERE b.trigger = 'scheduled' AND b.created_at < clock_timestamp() - $1::bigint * interval '1 millisecond'
                  AND b.status <> 'running' AND b.restore IS DISTINCT FROM 'running'
                  AND b.id IS DISTINCT FROM (
                      SELECT n.id FROM \(catalog).backups n WHERE n.project_id = b.project_id AND n.status = 'completed'
                      ORDER BY n.created_at DESC, n.id DESC LIMIT 1)
                ORDER BY b.created_at LIMIT $2
                FOR UPDATE SKIP LOCKED
            ), gone AS (
                DELETE FROM \(catalog).backups b USING old
                WHERE b.id = old.id AND b.restore IS DISTINCT FROM 'running'
                RETURNING 1
            )
            SELECT count(*)::bigint FROM gone
            """, [olderThan.wholeMilliseconds, limit])
        return try rows[0].decode(Int.self, at: 0)
    }
}
