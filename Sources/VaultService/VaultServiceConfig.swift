import Contracts
import ServiceKit

/// VaultService's configuration, read from the environment at start (the table is in `docs/vault.md` and
/// README.md).
struct VaultServiceConfig: MeshServiceConfiguration {
    /// The shared variables (`LOG_LEVEL`, `DATABASE_URL`, `DRAIN_TIMEOUT_SECONDS`, the Wire listener).
    let base: MeshServiceConfig
    /// The per-project bounds.
    let quotas: VaultQuotas
    /// Scheduled backups of every tenant.
    let backups: BackupSchedule

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(.vault, reading: &reader)
        quotas = VaultQuotas(
            maxCollections: reader.integer("VAULT_MAX_COLLECTIONS", default: VaultQuotas.standard.maxCollections, range: 1...100_000),
            maxIndexesPerCollection: reader.integer(
                "VAULT_MAX_INDEXES_PER_COLLECTION", default: VaultQuotas.standard.maxIndexesPerCollection, range: 0...64))
        let hours = reader.integer("VAULT_BACKUP_INTERVAL_HOURS", default: 24, range: 0...8760)
        let days = reader.integer("VAULT_BACKUP_RETENTION_DAYS", default: 7, range: 1...3650)
        backups = BackupSchedule(
            every: hours == 0 ? nil : .seconds(hours * 3600), retention: .seconds(days * 86_400))
        try reader.finish()
        self.base = base!  // finish() throws whenever a required variable was missing
    }
}

/// How much one project may declare: collections (`VAULT_MAX_COLLECTIONS`, default 100) and indexes per
/// collection (`VAULT_MAX_INDEXES_PER_COLLECTION`, default 10). Going over is 403 `PLAN_LIMIT_REACHED`.
/// (A document's `data` and a batch are bounded by ``VaultLimits``.)
struct VaultQuotas: Sendable, Hashable {
    /// Collections per project.
    var maxCollections: Int
    /// Declared indexes per collection.
    var maxIndexesPerCollection: Int

    /// The defaults.
    static let standard = VaultQuotas(maxCollections: 100, maxIndexesPerCollection: 10)
}
