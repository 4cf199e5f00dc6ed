import ServiceKit

/// The ordered schema steps of the `billing` schema (plans, ledger, usage), applied at start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The steps arrive with the work that needs them.
enum BillingServiceMigrations {
    /// Every step, in order.
    static let all: [Migration] = []
}
