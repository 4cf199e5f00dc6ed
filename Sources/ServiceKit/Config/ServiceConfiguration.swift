import Foundation

/// What the bootstrap (``ServiceMain``) needs from every executable's configuration.
public protocol ServiceConfiguration: Sendable {
    /// The least severe level logged (`LOG_LEVEL`).
    var logLevel: Logger.Level { get }
    /// How long a graceful shutdown may take before the rest is cancelled (`DRAIN_TIMEOUT_SECONDS`).
    var drainTimeout: Duration { get }
}

/// The variables every executable shares, read the same way everywhere. Each getter is one line in
/// `docs/configuration.md`; add new shared variables here.
extension EnvironmentReader {
    /// `LOG_LEVEL`: trace|debug|info|notice|warning|error|critical, default info.
    public mutating func logLevel() -> Logger.Level {
        enumeration("LOG_LEVEL", default: Logger.Level.info)
    }

    /// `DATABASE_URL`: required, a postgres:// or postgresql:// URL. Wrapped as a secret: it may hold a password.
    public mutating func databaseURL() -> Secret<URL>? {
        url("DATABASE_URL", schemes: ["postgres", "postgresql"], expected: "a postgres:// or postgresql:// URL")
            .map(Secret.init)
    }

    /// `DRAIN_TIMEOUT_SECONDS`: 0–300 seconds, default 10.
    public mutating func drainTimeout() -> Duration {
        duration("DRAIN_TIMEOUT_SECONDS", default: .seconds(10), range: 0...300)
    }
}
