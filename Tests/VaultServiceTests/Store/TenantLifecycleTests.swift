import Contracts
import Foundation
import Testing
@testable import VaultService

@Suite("Vault tenant open and close (onboarding)", .enabled(if: VaultHarness.databaseURL != nil, VaultHarness.disabledReason))
struct TenantLifecycleTests {
    @Test("open makes the tenant at once and is idempotent; close removes it and its documents, twice is fine")
    func openClose() async throws {
        let vault = try await VaultHarness()
        do {
            let first = try await vault.store.tenants.ensure(projectID: "prj_new")
            #expect(try await vault.store.tenants.ensure(projectID: "prj_new") == first)
            #expect(try await vault.store.tenantView(projectID: "prj_new").schemaVersion == TenantMigrations.latest)
            try await vault.collection("items", project: "prj_new")
            _ = try await vault.create(#"{"id":"a","data":{"n":1}}"#, as: VaultHarness.secret("prj_new"))
            try await vault.collection("items", project: "prj_other")

            try await vault.store.closeTenant(projectID: "prj_new")
            try await vault.store.closeTenant(projectID: "prj_new")
            #expect(try await vault.store.tenants.tenant(projectID: "prj_new") == nil)
            let schemas = try await vault.pool.query(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1", [first])[0].decode(Int.self, at: 0)
            #expect(schemas == 0)
            #expect(try await vault.store.tenants.tenant(projectID: "prj_other") != nil, "other tenants are untouched")
            #expect(try await vault.store.collections(projectID: "prj_new").isEmpty)
        } catch {
            try await vault.drop()
            throw error
        }
        try await vault.drop()
    }
}
