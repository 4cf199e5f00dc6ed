import ServiceKit

/// The command-line tool's configuration (see `docs/configuration.md`). Commands that run something
/// read it; `help` does not, so a broken environment never hides the usage text.
struct PurrpurrConfig: Sendable {
    /// `LOG_LEVEL`.
    let logLevel: Logger.Level

    /// Reads and validates every variable, throwing a `ConfigurationError` naming all problems.
    init(environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let logLevel = reader.logLevel()
        try reader.finish()
        self.logLevel = logLevel
    }
}
