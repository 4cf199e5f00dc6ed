import Contracts
import Foundation
import ServiceKit
import Testing
@testable import VaultService

@Suite("Vault tenant migrations fanned out", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct MigrationFanOutTests {
    /// The production steps and one more, which adds a table to each tenant.
    private static let steps = TenantMigrations.all + [
        TenantMigrations.Step(version: TenantMigrations.latest + 1) { schema in
            ["CREATE TABLE \(schema).extra (n integer)", "INSERT INTO \(schema).extra VALUES (1)"]
        },
    ]

    @Test("every tenant is brought forward; one made to fail is reported, retried with backoff, and the others go on")
    func oneFails() async throws {
        let vault = try await VaultHarness()
        for project in ["prj_a", "prj_b", "prj_c"] { try await vault.collection("items", project: project) }
        let broken = try await vault.store.schema("prj_b")
        try await vault.pool.execute("CREATE TABLE \(broken).extra (n integer)")  // the step will fail here
        var fanOut = TenantMigrationFanOut(pool: vault.pool, catalog: vault.catalog, steps: Self.steps)
        fanOut.retryBase = .seconds(3600)
        let latest = TenantMigrations.latest + 1
        #expect(try await fanOut.status() == VaultMigrationsView(latest: latest, applied: 0, pending: 3, failed: 0, failures: []))

        #expect(try await fanOut.runOnce() == 1)
        let status = try await fanOut.status()
        #expect(status.applied == 2 && status.pending == 0 && status.failed == 1)
        #expect(status.failures.map(\.projectID) == ["prj_b"] && status.failures.first?.version == latest)
        #expect(status.failures.first?.error.contains("already exists") == true, "\(status.failures)")
        for project in ["prj_a", "prj_c"] {
            let schema = try await vault.store.schema(project)
            #expect(try await vault.pool.query("SELECT n FROM \(schema).extra")[0].decode(Int.self, at: 0) == 1)
            #expect(try await vault.store.tenants.tenant(projectID: project)?.schemaVersion == latest)
        }
        // The failed tenant rolled back whole and still serves.
        #expect(try await vault.store.tenants.tenant(projectID: "prj_b")?.schemaVersion == TenantMigrations.latest)
        _ = try await vault.create(#"{"data":{}}"#, as: VaultHarness.secret("prj_b"))
        // Not due yet (backoff): another pass leaves it.
        #expect(try await fanOut.runOnce() == 1)
        let failures = try await vault.pool.query(
            "SELECT migration_failures, migration_retry_at > now() + interval '50 minutes' FROM \(vault.catalog).tenants WHERE project_id = 'prj_b'")
        #expect(try failures[0].decode((Int, Bool).self) == (1, true))

        // Fixed, and due: the next pass applies it.
        try await vault.pool.execute("DROP TABLE \(broken).extra")
        try await vault.pool.execute("UPDATE \(vault.catalog).tenants SET migration_retry_at = now()")
        #expect(try await fanOut.runOnce() == 0)
        #expect(try await fanOut.status() == VaultMigrationsView(latest: latest, applied: 3, pending: 0, failed: 0, failures: []))
        try await vault.drop()
    }

    @Test("replicas share the work: two fan-outs at once migrate each tenant once; the service loop ends its work and waits")
    func replicas() async throws {
        let vault = try await VaultHarness()
        for index in 0..<6 { try await vault.collection("items", project: "prj_\(index)") }
        let fanOut = TenantMigrationFanOut(pool: vault.pool, catalog: vault.catalog, steps: Self.steps)
        async let first = fanOut.runOnce()
        async let second = fanOut.runOnce()
        _ = try await (first, second)
        let status = try await fanOut.status()
        #expect(status.applied == 6 && status.failed == 0, "\(status)")
        // A tenant made now starts at the catalog's latest (the production list's), and the loop brings it on.
        try await vault.collection("items", project: "prj_new")
        #expect(try await fanOut.status().pending == 1)
        let loop = Task { try await fanOut.run() }
        for _ in 0..<100 where try await fanOut.status().pending > 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await fanOut.status().applied == 7)
        loop.cancel()
        _ = await loop.result
        try await vault.drop()
    }
}
