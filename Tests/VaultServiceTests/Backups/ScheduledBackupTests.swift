import Contracts
import Foundation
import ServiceKit
import Testing
@testable import VaultService

@Suite("Vault scheduled backups", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct ScheduledBackupTests {
    /// Hourly, kept a day.
    static let hourly = BackupSchedule(every: .seconds(3600), retention: .seconds(86_400))

    /// Moves `project`'s tenant `age` into the past, so its first scheduled backup is due.
    private static func age(_ vault: VaultHarness, _ project: String, by age: String = "2 hours") async throws {
        try await vault.pool.execute(
            "UPDATE \(vault.catalog).tenants SET created_at = now() - $2::interval WHERE project_id = $1", [project, age])
    }

    /// The project's backups made by the schedule.
    private static func scheduled(_ vault: VaultHarness, _ project: String) async throws -> [BackupView] {
        try await vault.store.backups(projectID: project).filter { $0.trigger == "scheduled" }
    }

    @Test("a tenant is backed up once its slot is due, once per slot; the backup is a normal, downloadable one")
    func backsUpDueTenants() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("notes")
        _ = try await vault.create(#"[{"id":"n1","data":{"t":"one"}},{"id":"n2","data":{"t":"two"}}]"#, in: "notes")
        try await vault.collection("theirs", project: "prj_b")
        let scheduler = BackupScheduler(store: vault.store, schedule: Self.hourly)

        #expect(try await scheduler.runOnce() == (0, 0))  // both tenants are younger than an hour
        try await Self.age(vault, "prj_a")
        #expect(try await scheduler.runOnce().completed == 1)
        let backups = try await Self.scheduled(vault, "prj_a")
        #expect(backups.count == 1 && backups[0].status == "completed" && backups[0].documents == 2)
        let lines = try await vault.store.backupLines(BackupLinesRequest(id: backups[0].id, after: 0, maxBytes: 1 << 20), projectID: "prj_a")
        #expect(lines.lines.count == 3)
        #expect(try await Self.scheduled(vault, "prj_b").isEmpty)

        #expect(try await scheduler.runOnce().completed == 0)  // the next slot is an hour after this one
        try await vault.pool.execute(
            "UPDATE \(vault.catalog).tenants SET next_backup_at = now() - interval '1 second' WHERE project_id = 'prj_a'")
        #expect(try await scheduler.runOnce().completed == 1)
        #expect(try await Self.scheduled(vault, "prj_a").count == 2)
        // A backup the project asked for is `manual`.
        let manual = try await vault.store.startBackup(projectID: "prj_a")
        #expect(manual.trigger == "manual")
        await vault.store.runBackup(id: manual.id, projectID: "prj_a")
        try await vault.drop()
    }

    @Test("two replicas at once: each due tenant gets exactly one backup")
    func replicasShare() async throws {
        let vault = try await VaultHarness()
        let projects = (0..<6).map { "prj_\($0)" }
        for project in projects {
            try await vault.collection("c", project: project)
            try await Self.age(vault, project)
        }
        let one = BackupScheduler(store: vault.store, schedule: Self.hourly)
        let other = BackupScheduler(store: VaultStore(pool: vault.pool, catalog: vault.catalog), schedule: Self.hourly)
        async let a = one.runOnce()
        async let b = other.runOnce()
        let (first, second) = try await (a, b)
        #expect(first.completed + second.completed == projects.count)
        for project in projects {
            #expect(try await Self.scheduled(vault, project).count == 1, "\(project)")
        }
        try await vault.drop()
    }

    @Test("a claimed backup whose process died is tried again after the retry delay, not a whole interval later")
    func abandonedClaimIsRetried() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("notes")
        try await Self.age(vault, "prj_a")
        // A replica claims the slot and dies before taking the snapshot: the row stays `running`.
        let claimed = try #require(try await vault.store.claimScheduledBackup(every: .seconds(3600), retryAfter: .seconds(3600)))
        #expect(claimed.projectID == "prj_a")
        let scheduler = BackupScheduler(store: vault.store, schedule: Self.hourly)
        #expect(try await scheduler.runOnce().completed == 0)  // not before the retry delay
        try await vault.pool.execute("UPDATE \(vault.catalog).tenants SET next_backup_at = now() - interval '1 second'")
        try await vault.pool.execute(
            "UPDATE \(vault.catalog).backups SET created_at = now() - interval '2 minutes' WHERE id = $1", [claimed.id])
        #expect(try await scheduler.runOnce().completed == 1)
        let backups = try await Self.scheduled(vault, "prj_a")
        #expect(backups.map(\.status).sorted() == ["completed", "failed"])  // the abandoned one reads as failed
        try await vault.drop()
    }

    @Test("pruning: old scheduled backups go with their lines; manual ones, the newest completed and a running restore stay")
    func prunes() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("notes")
        _ = try await vault.create(#"{"id":"n1","data":{"t":"one"}}"#, in: "notes")
        try await Self.age(vault, "prj_a", by: "10 days")
        let scheduler = BackupScheduler(store: vault.store, schedule: Self.hourly)
        var ids: [String] = []
        for _ in 0..<4 {
            try await vault.pool.execute(
                "UPDATE \(vault.catalog).tenants SET next_backup_at = now() - interval '1 second' WHERE project_id = 'prj_a'")
            #expect(try await scheduler.runOnce().completed == 1)
            ids.append(try await Self.scheduled(vault, "prj_a")[0].id)
        }
        let manual = try await vault.store.startBackup(projectID: "prj_a")
        await vault.store.runBackup(id: manual.id, projectID: "prj_a")
        // Everything is two days old; the second scheduled backup is being restored from; the newest is the
        // manual one, then the fourth scheduled.
        try await vault.pool.execute("UPDATE \(vault.catalog).backups SET created_at = created_at - interval '2 days'")
        try await vault.pool.execute("UPDATE \(vault.catalog).backups SET restore = 'running' WHERE id = $1", [ids[1]])
        let pruned = try await vault.store.pruneScheduledBackups(olderThan: Self.hourly.retention, limit: 100)
        #expect(pruned == 3)
        let left = try await vault.store.backups(projectID: "prj_a").map(\.id)
        #expect(Set(left) == [manual.id, ids[1]])
        let lines = try await vault.pool.query(
            "SELECT count(*)::bigint FROM \(vault.catalog).backup_lines WHERE backup_id = ANY($1::text[])",
            ["{\(ids[0]),\(ids[2]),\(ids[3])}"])[0].decode(Int.self, at: 0)
        #expect(lines == 0)

        // Without the manual backup, the newest completed one is kept whatever its age.
        try await vault.pool.execute("DELETE FROM \(vault.catalog).backups WHERE id = $1", [manual.id])
        try await vault.pool.execute("UPDATE \(vault.catalog).backups SET restore = 'completed' WHERE id = $1", [ids[1]])
        #expect(try await vault.store.pruneScheduledBackups(olderThan: Self.hourly.retention, limit: 100) == 0)
        #expect(try await vault.store.backups(projectID: "prj_a").map(\.id) == [ids[1]])
        try await vault.drop()
    }

    @Test("the schedule off does nothing")
    func off() async throws {
        let vault = try await VaultHarness()
        try await vault.collection("notes")
        try await Self.age(vault, "prj_a", by: "30 days")
        let scheduler = BackupScheduler(store: vault.store, schedule: BackupSchedule(every: nil, retention: .seconds(3600)))
        #expect(try await scheduler.runOnce() == (0, 0))
        #expect(try await vault.store.backups(projectID: "prj_a").isEmpty)
        try await vault.drop()
    }
}
