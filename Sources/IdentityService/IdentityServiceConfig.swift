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
    /// `WIRE_HOST`, `WIRE_PORT` (default 7101), `MESH_CA_PATH`, `MESH_CERT_PATH`, `MESH_KEY_PATH`: the mesh
    /// (mutual TLS) listener.
    let wire: WireListenerConfiguration

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        let wire = reader.wireListener(defaultPort: 7101)
        try reader.finish()
        // The unwraps cannot fail: finish() throws whenever a required getter returned nil.
        self.logLevel = logLevel
        self.databaseURL = databaseURL!
        self.drainTimeout = drainTimeout
        self.wire = wire!
    }
}
