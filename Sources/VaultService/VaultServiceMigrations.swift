import ServiceKit

/// The ordered schema steps of the `vault` schema (tenant catalog), applied at start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The steps arrive with the work that needs them.
enum VaultServiceMigrations {
    /// Every step, in order.
    static let all: [Migration] = []
}
