/// What the bootstrap hands to an executable's `build` closure: its name, its logger (level from
/// `LOG_LEVEL`, JSON on stderr) and its metrics registry.
public struct ServiceContext: Sendable {
    /// The executable's name, e.g. `router`; also the `service` field of every log line.
    public let name: String
    /// The process logger.
    public let logger: Logger
    /// The process metrics.
    public let metrics: MetricsRegistry

    /// Creates a context (the bootstrap does this; tests may too).
    public init(name: String, logger: Logger, metrics: MetricsRegistry) {
        self.name = name
        self.logger = logger
        self.metrics = metrics
    }
}
