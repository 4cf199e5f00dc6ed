import Contracts
import ServiceKit

/// The ordered schema steps of the `billing` schema, applied at start under an advisory lock: the plan
/// catalog, accounts and the immutable double-entry ledger (``BillingLedgerSQL``), subscriptions, usage,
/// reservations, periods, provider events and the alert outbox, then the functions the hot paths run
/// (``BillingMeteringSQL``), batched (``BillingBatchSQL``, then set-based: ``BillingGroupedBatchSQL``, then across projects:
/// ``BillingCrossProjectBatchSQL``), then the ledger's checks per transaction (``BillingLedgerChecksSQL``) and captured
/// usage posted per project (``BillingUsagePostingSQL``).
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The schema name is a parameter so tests can each use their own.
enum BillingServiceMigrations {
    /// The schema this service owns in its database.
    static let schema = MeshService.billing.name
    /// Every step, in order, for the production schema.
    static let all: [Migration] = steps(schema: schema)

    /// Every step, in order, in `schema` (a plain lowercase identifier).
    static func steps(schema: String) -> [Migration] {
        [
            Migration(version: 1, name: "catalog, ledger, subscriptions, usage, reservations", sql:
                BillingCatalogSQL.sql(schema) + BillingLedgerSQL.sql(schema) + BillingSubscriptionSQL.sql(schema)),
            Migration(version: 2, name: "metering functions", sql: BillingMeteringSQL.sql(schema)),
            Migration(version: 3, name: "batched metering", sql: BillingBatchSQL.sql(schema)),
            Migration(version: 4, name: "set-based batches", sql: BillingGroupedBatchSQL.sql(schema)),
            Migration(version: 5, name: "cross-project batches", sql: BillingCrossProjectBatchSQL.sql(schema)),
            Migration(version: 6, name: "ledger checks per transaction, captured usage posted per project", sql:
                BillingLedgerChecksSQL.sql(schema) + BillingUsagePostingSQL.sql(schema)),
        ]
    }
}
