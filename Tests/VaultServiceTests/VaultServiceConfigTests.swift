import Foundation
import Testing
import ServiceKit
@testable import VaultService

@Suite("VaultServiceConfig")
struct VaultServiceConfigTests {
    /// The mesh variables only have to name existing files; this very file will do.
    static let required = [
        "MESH_CA_PATH": #filePath, "MESH_CERT_PATH": #filePath, "MESH_KEY_PATH": #filePath,
        "DATABASE_URL": "postgres://u:hunter2@db/vault",
    ]

    @Test("defaults, the quotas read, and out-of-range quotas named")
    func quotas() throws {
        let defaults = try VaultServiceConfig(environment: Self.required)
        #expect(defaults.quotas == .standard && defaults.wire.port == 7103)
        let set = try VaultServiceConfig(environment: Self.required.merging(
            ["VAULT_MAX_COLLECTIONS": "3", "VAULT_MAX_INDEXES_PER_COLLECTION": "0"]) { $1 })
        #expect(set.quotas == VaultQuotas(maxCollections: 3, maxIndexesPerCollection: 0))
        do {
            _ = try VaultServiceConfig(environment: Self.required.merging(
                ["VAULT_MAX_COLLECTIONS": "0", "VAULT_MAX_INDEXES_PER_COLLECTION": "lots"]) { $1 })
            Issue.record("out-of-range quotas were accepted")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("VAULT_MAX_COLLECTIONS") && text.contains("VAULT_MAX_INDEXES_PER_COLLECTION"), "\(text)")
            #expect(!text.contains("hunter2"))
        }
    }

    @Test("scheduled backups: daily and kept a week by default, 0 turns them off, bad values named")
    func backupSchedule() throws {
        let defaults = try VaultServiceConfig(environment: Self.required)
        #expect(defaults.backups == .standard)
        let off = try VaultServiceConfig(environment: Self.required.merging(
            ["VAULT_BACKUP_INTERVAL_HOURS": "0", "VAULT_BACKUP_RETENTION_DAYS": "30"]) { $1 })
        #expect(off.backups.every == nil && off.backups.retention == .seconds(30 * 86_400))
        do {
            _ = try VaultServiceConfig(environment: Self.required.merging(
                ["VAULT_BACKUP_INTERVAL_HOURS": "-1", "VAULT_BACKUP_RETENTION_DAYS": "0"]) { $1 })
            Issue.record("a negative interval and a zero retention were accepted")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("VAULT_BACKUP_INTERVAL_HOURS") && text.contains("VAULT_BACKUP_RETENTION_DAYS"), "\(text)")
        }
    }
}
