import Foundation
import ServiceKit

/// Backs up every tenant on a schedule (``BackupSchedule``) and prunes scheduled backups past the retention:
/// the "automatic backups" of the product's promise, with nothing for a project to set up.
///
/// Every replica runs one; each pass claims due tenants one at a time (``VaultStore/claimScheduledBackup(every:retryAfter:)``
/// locks the tenant's catalog row with `SKIP LOCKED`, so replicas share the work and never back a tenant up
/// twice for one slot) and takes the same snapshot as `POST /v1/vault/backups`, one backup at a time per
/// replica so the schedule never crowds out the tenants' own traffic. A backup that fails, or whose process
/// dies, is tried again after `retryAfter`.
struct BackupScheduler: Service {
    /// The catalog and the backups.
    let store: VaultStore
    /// When, and how long to keep.
    let schedule: BackupSchedule
    /// Where each pass's outcome is logged (project ids and counts only).
    var logger: Logger?
    /// The most tenants one pass backs up before it prunes and sleeps.
    static let maxPerPass = 100
    /// Backups one prune statement deletes.
    static let pruneBatch = 100

    func run() async throws {
        guard schedule.every != nil else {
            try? await gracefulShutdown()
            return
        }
        repeat {
            do {
                try await runOnce()
            } catch {
                logger?.warning("vault scheduled backups: pass failed", metadata: [.errorType: .errorType(error)])
            }
        } while await Task.sleepUnlessShuttingDown(for: schedule.pollInterval)
    }

    /// One pass: backs up the tenants that are due (up to ``maxPerPass``), then prunes. Answers how many
    /// backups completed and how many were pruned.
    @discardableResult
    func runOnce() async throws -> (completed: Int, pruned: Int) {
        guard let every = schedule.every else { return (0, 0) }
        var completed = 0
        for _ in 0..<Self.maxPerPass {
            if Task.isShuttingDownGracefully { break }
            guard let (id, projectID) = try await store.claimScheduledBackup(every: every, retryAfter: schedule.retryAfter) else { break }
            await store.runBackup(id: id, projectID: projectID)
            if try await store.finishScheduledBackup(id: id, projectID: projectID, every: every) {
                completed += 1
            } else {
                logger?.warning("vault scheduled backup failed", metadata: [.projectID: .string(projectID), LogKey("backup.id"): .string(id)])
            }
        }
        var pruned = 0
        while true {
            let batch = try await store.pruneScheduledBackups(olderThan: schedule.retention, limit: Self.pruneBatch)
            pruned += batch
            if batch < Self.pruneBatch { break }
        }
        if completed > 0 || pruned > 0 {
            logger?.info("vault scheduled backups", metadata: [LogKey("backups.completed"): .int(completed), LogKey("backups.pruned"): .int(pruned)])
        }
        return (completed, pruned)
    }
}
