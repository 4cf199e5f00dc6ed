/// Where a service serves `GET /metrics` (Prometheus text): read by
/// ``EnvironmentReader/metricsListener(defaultPort:)`` from `METRICS_HOST` and `METRICS_PORT`. Never the Wire or
/// public port: a listener of its own, loopback unless `METRICS_HOST` says otherwise.
public struct MetricsListenerConfiguration: Sendable, Hashable {
    /// The numeric address the listener binds (`METRICS_HOST`, default `127.0.0.1`).
    public var host: String
    /// The TCP port (`METRICS_PORT`); 0 picks a free one (the bound port is logged as `metrics.port`).
    public var port: Int

    /// Creates a listener configuration (tests; executables use the environment getter).
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

extension EnvironmentReader {
    /// The metrics listener: `METRICS_HOST` (default `127.0.0.1`) and `METRICS_PORT` (0–65535, default
    /// `defaultPort`, 0 picks a free port); nil when `METRICS_PORT` is `off` (no listener).
    public mutating func metricsListener(defaultPort: Int) -> MetricsListenerConfiguration? {
        let host = string("METRICS_HOST", default: "127.0.0.1")
        if raw("METRICS_PORT")?.lowercased() == "off" { return nil }
        return MetricsListenerConfiguration(host: host, port: port("METRICS_PORT", default: defaultPort))
    }
}
