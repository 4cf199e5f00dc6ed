import Foundation
import ServiceKit

/// The Router's configuration, read from the environment at start (see `docs/configuration.md`).
struct RouterConfig: ServiceConfiguration {
    /// `LOG_LEVEL`.
    let logLevel: Logger.Level
    /// `DATABASE_URL`: the Router's PostgreSQL (API keys, rate limits, revocations).
    let databaseURL: Secret<URL>
    /// `DRAIN_TIMEOUT_SECONDS`.
    let drainTimeout: Duration
    /// `PURRPURR_HTTP_PORT`: the public HTTP port (0 picks a free one).
    let httpPort: Int
    /// `PURRPURR_ADMIN_TOKEN`: the operator's bearer token for admin endpoints.
    let adminToken: Secret<String>

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        let httpPort = reader.port("PURRPURR_HTTP_PORT", default: 8080)
        let adminToken = reader.secret("PURRPURR_ADMIN_TOKEN", minimumLength: 32)
        try reader.finish()
        // The unwraps cannot fail: finish() throws whenever a required getter returned nil.
        self.logLevel = logLevel
        self.databaseURL = databaseURL!
        self.drainTimeout = drainTimeout
        self.httpPort = httpPort
        self.adminToken = adminToken!
    }
}
