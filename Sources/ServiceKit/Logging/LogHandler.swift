import Foundation

/// One log line before formatting.
public struct LogRecord: Sendable {
    /// When the line was logged.
    public var timestamp: Date
    /// Its severity.
    public var level: Logger.Level
    /// The constant message.
    public var message: String
    /// The fields: the logger's metadata merged with the call's.
    public var metadata: Logger.Metadata

    /// Creates a record; `timestamp` defaults to now.
    public init(timestamp: Date = Date(), level: Logger.Level, message: String, metadata: Logger.Metadata = [:]) {
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.metadata = metadata
    }

    /// The request id, when the metadata carries ``LogKey/requestID``.
    public var requestID: LogValue? { metadata[.requestID] }
}

/// Where a ``Logger`` sends the records that pass its level check. Implementations must be thread-safe:
/// loggers are copied freely across tasks and threads.
public protocol LogHandler: Sendable {
    /// Writes (or stores) one record.
    func log(_ record: LogRecord)
}
