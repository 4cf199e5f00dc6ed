import ServiceKit

/// The ordered schema steps of the `comms` schema (outbox, templates, suppression list), applied at start under an advisory lock.
///
/// Append only: a step that has shipped is never edited or reordered (the migrator checks names of
/// applied steps on every start). The steps arrive with the work that needs them.
enum CommsServiceMigrations {
    /// The schema this service owns in its database.
    static let schema = "comms"
    /// Every step, in order.
    static let all: [Migration] = []
}
