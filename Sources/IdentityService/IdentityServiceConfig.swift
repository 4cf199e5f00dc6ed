import Foundation
import ServiceKit

/// The IdentityService's configuration, read from the environment at start (see `docs/configuration.md`).
struct IdentityServiceConfig: ServiceConfiguration {
    /// `LOG_LEVEL`.
    let logLevel: Logger.Level
    /// `DATABASE_URL`: the IdentityService's own PostgreSQL database (users, sessions, signing keys).
    let databaseURL: Secret<URL>
    /// `DRAIN_TIMEOUT_SECONDS`.
    let drainTimeout: Duration

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        try reader.finish()
        // The unwrap cannot fail: finish() throws whenever a required getter returned nil.
        self.logLevel = logLevel
        self.databaseURL = databaseURL!
        self.drainTimeout = drainTimeout
    }
}
