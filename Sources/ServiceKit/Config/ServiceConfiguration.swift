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

    /// The Wire (mutual TLS) listener of a mesh service: `WIRE_HOST` (default `127.0.0.1`), `WIRE_PORT`
    /// (0–65535, default `defaultPort`, 0 picks a free port) and the required existing PEM files
    /// `MESH_CA_PATH` (the mesh CA certificate), `MESH_CERT_PATH` (this service's certificate chain) and
    /// `MESH_KEY_PATH` (its private key). Returns nil exactly when one of the files was missing or not found.
    public mutating func wireListener(defaultPort: Int) -> WireListenerConfiguration? {
        let host = string("WIRE_HOST", default: "127.0.0.1")
        let wirePort = port("WIRE_PORT", default: defaultPort)
        let ca = existingFile("MESH_CA_PATH", expected: "the path of the mesh CA certificate, PEM")
        let certificate = existingFile("MESH_CERT_PATH", expected: "the path of this service's certificate chain, PEM")
        let key = existingFile("MESH_KEY_PATH", expected: "the path of this service's private key, PEM")
        guard let ca, let certificate, let key else { return nil }
        return WireListenerConfiguration(
            host: host, port: wirePort, trustRootsPath: ca, certificateChainPath: certificate, privateKeyPath: key)
    }
}
