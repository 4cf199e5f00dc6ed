import Contracts
import ServiceKit

/// VaultService's configuration, read from the environment at start (the table is in `docs/vault.md` and
/// README.md).
struct VaultServiceConfig: MeshServiceConfiguration {
    /// The shared variables (`LOG_LEVEL`, `DATABASE_URL`, `DRAIN_TIMEOUT_SECONDS`, the Wire listener).
    let base: MeshServiceConfig
    /// The per-project bounds.
    let quotas: VaultQuotas

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(.vault, reading: &reader)
        quotas = VaultQuotas(
            maxCollections: reader.integer("VAULT_MAX_COLLECTIONS", default: VaultQuotas.standard.maxCollections, range: 1...100_000),
            maxIndexesPerCollection: reader.integer(
                "VAULT_MAX_INDEXES_PER_COLLECTION", default: VaultQuotas.standard.maxIndexesPerCollection, range: 0...64))
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
