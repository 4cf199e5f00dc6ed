import Contracts
import Foundation

/// What every mesh service's configuration holds, read the same way everywhere: `LOG_LEVEL`, `DATABASE_URL`,
/// `DRAIN_TIMEOUT_SECONDS`, and the Wire listener (`WIRE_HOST`, `WIRE_PORT` defaulting to the registry's
/// port, `MESH_CA_PATH`, `MESH_CERT_PATH`, `MESH_KEY_PATH`) and the metrics listener (`METRICS_HOST`,
/// `METRICS_PORT` defaulting to the registry's metrics port).
///
/// A service with nothing of its own runs on it as it is; one with its own variables extends it through
/// ``MeshServiceConfiguration``:
///
/// ```swift
/// struct CommsServiceConfig: MeshServiceConfiguration {
///     let base: MeshServiceConfig
///     let retrySchedule: [Duration]
///     init(environment: [String: String]) throws {
///         var reader = EnvironmentReader(environment)
///         let base = MeshServiceConfig(.comms, reading: &reader)
///         let schedule = reader.string("COMMS_RETRY_SCHEDULE", default: "60,300")
///         try reader.finish()
///         self.base = base!
///         …
///     }
/// }
/// ```
public struct MeshServiceConfig: MeshServiceConfiguration {
    /// Which service this is.
    public let service: MeshService
    /// `LOG_LEVEL`.
    public let logLevel: Logger.Level
    /// `DATABASE_URL`: the service's own PostgreSQL database.
    public let databaseURL: Secret<URL>
    /// `DRAIN_TIMEOUT_SECONDS`.
    public let drainTimeout: Duration
    /// The mesh (mutual TLS) listener.
    public let wire: WireListenerConfiguration
    /// The `GET /metrics` listener; nil when `METRICS_PORT=off`.
    public let metrics: MetricsListenerConfiguration?

    /// The shared variables from `reader`; nil when one of them is missing or malformed (the reader has
    /// recorded why, and its `finish()` throws naming every problem).
    public init?(_ service: MeshService, reading reader: inout EnvironmentReader) {
        let logLevel = reader.logLevel()
        let databaseURL = reader.databaseURL()
        let drainTimeout = reader.drainTimeout()
        let wire = reader.wireListener(defaultPort: service.defaultWirePort)
        let metrics = reader.metricsListener(defaultPort: service.defaultMetricsPort)
        guard let databaseURL, let wire else { return nil }
        self.service = service
        self.logLevel = logLevel
        self.databaseURL = databaseURL
        self.drainTimeout = drainTimeout
        self.wire = wire
        self.metrics = metrics
    }

    /// Reads the shared variables alone, throwing a `ConfigurationError` naming every problem.
    public init(_ service: MeshService, environment: [String: String]) throws {
        var reader = EnvironmentReader(environment)
        let base = MeshServiceConfig(service, reading: &reader)
        try reader.finish()
        self = base!  // finish() throws whenever a required variable was missing
    }

    /// Itself.
    public var base: MeshServiceConfig { self }
}

/// A mesh service's configuration: the shared ``MeshServiceConfig`` plus the service's own fields. The
/// shared ones read through, so `config.databaseURL` and `config.wire` work on every service's config.
public protocol MeshServiceConfiguration: ServiceConfiguration {
    /// The shared part.
    var base: MeshServiceConfig { get }
}

extension MeshServiceConfiguration {
    /// `LOG_LEVEL`.
    public var logLevel: Logger.Level { base.logLevel }
    /// `DATABASE_URL`.
    public var databaseURL: Secret<URL> { base.databaseURL }
    /// `DRAIN_TIMEOUT_SECONDS`.
    public var drainTimeout: Duration { base.drainTimeout }
    /// The Wire listener.
    public var wire: WireListenerConfiguration { base.wire }
    /// The metrics listener.
    public var metrics: MetricsListenerConfiguration? { base.metrics }
}
