/// A structured logger: a cheap value carrying a level threshold and metadata over a ``LogHandler``.
///
/// Copy it, add metadata to the copy, and pass it down; messages are constant and the data goes into
/// fields named by ``LogKey``:
///
/// ```swift
/// var logger = context.logger
/// logger[.requestID] = .string(requestID)
/// logger.info("call accepted", metadata: [.wireMethod: "vault.get"])
/// ```
///
/// Messages and metadata are `@autoclosure`s: below the threshold neither is evaluated.
public struct Logger: Sendable {
    /// The fields attached to a log line.
    public typealias Metadata = [LogKey: LogValue]

    /// Severity, from least (`trace`) to most (`critical`) severe. Raw values are the names used in
    /// `LOG_LEVEL` and in the JSON `level` field.
    public enum Level: String, CaseIterable, Comparable, Sendable {
        case trace, debug, info, notice, warning, error, critical

        private var rank: Int {
            switch self {
            case .trace: 0
            case .debug: 1
            case .info: 2
            case .notice: 3
            case .warning: 4
            case .error: 5
            case .critical: 6
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// A log message: a string literal. Interpolation is deliberately not supported, so data goes into
    /// metadata (and a secret cannot slip into a message by accident); use `Message(_:)` for the rare
    /// message that must be built at run time from safe text.
    public struct Message: ExpressibleByStringLiteral, Sendable, CustomStringConvertible {
        /// The message text.
        public let description: String

        public init(stringLiteral value: String) { self.description = value }

        /// A message built at run time. Never pass input, secrets or message bodies.
        public init(_ text: String) { self.description = text }
    }

    /// Where records go.
    public let handler: any LogHandler
    /// The least severe level that is written; anything below costs one comparison.
    public var level: Level
    /// Fields added to every line this logger (and its copies) writes.
    public var metadata: Metadata

    /// Creates a logger writing records at `level` or above to `handler`.
    public init(handler: any LogHandler, level: Level = .info, metadata: Metadata = [:]) {
        self.handler = handler
        self.level = level
        self.metadata = metadata
    }

    /// Reads or sets one field of ``metadata``.
    public subscript(key: LogKey) -> LogValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Whether a line at `level` would be written.
    @inline(__always)
    public func isEnabled(_ level: Level) -> Bool {
        level >= self.level
    }

    /// Writes a line at `level` if it is enabled. Call-site `metadata` wins over the logger's own.
    public func log(
        level: Level,
        _ message: @autoclosure () -> Message,
        metadata: @autoclosure () -> Metadata? = nil
    ) {
        guard isEnabled(level) else { return }
        var fields = self.metadata
        if let extra = metadata() {
            fields.merge(extra) { _, new in new }
        }
        handler.log(LogRecord(level: level, message: message().description, metadata: fields))
    }

    /// Logs at ``Level/trace``.
    public func trace(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .trace, message(), metadata: metadata())
    }

    /// Logs at ``Level/debug``.
    public func debug(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .debug, message(), metadata: metadata())
    }

    /// Logs at ``Level/info``.
    public func info(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .info, message(), metadata: metadata())
    }

    /// Logs at ``Level/notice``.
    public func notice(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .notice, message(), metadata: metadata())
    }

    /// Logs at ``Level/warning``.
    public func warning(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .warning, message(), metadata: metadata())
    }

    /// Logs at ``Level/error``.
    public func error(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .error, message(), metadata: metadata())
    }

    /// Logs at ``Level/critical``.
    public func critical(_ message: @autoclosure () -> Message, metadata: @autoclosure () -> Metadata? = nil) {
        log(level: .critical, message(), metadata: metadata())
    }
}

extension Logger {
    /// A logger that discards everything (for tests and defaults).
    public static var disabled: Logger {
        Logger(handler: DiscardingLogHandler(), level: .critical)
    }
}

/// A handler that drops every record.
fileprivate struct DiscardingLogHandler: LogHandler {
    func log(_ record: LogRecord) {}
}
