import Synchronization

/// Keeps records in memory, for tests. Share one instance between the logger under test and the test.
///
/// ```swift
/// let logs = InMemoryLogHandler()
/// let logger = Logger(handler: logs, level: .debug)
/// try await subject.run(logger: logger)
/// #expect(logs.records.map(\.message) == ["started", "stopped"])
/// ```
public final class InMemoryLogHandler: LogHandler {
    /// The `service` field used by ``lines``.
    public let service: String
    private let storage = Mutex<[LogRecord]>([])

    /// Creates an empty handler.
    public init(service: String = "test") {
        self.service = service
    }

    public func log(_ record: LogRecord) {
        storage.withLock { $0.append(record) }
    }

    /// Everything logged so far, in order.
    public var records: [LogRecord] {
        storage.withLock { $0 }
    }

    /// The records as the JSON lines ``JSONLogHandler`` would write (without the trailing newline).
    public var lines: [String] {
        records.map { record in
            String(decoding: JSONLogFormat.line(for: record, service: service).dropLast(), as: UTF8.self)
        }
    }

    /// Forgets everything logged so far.
    public func clear() {
        storage.withLock { $0.removeAll() }
    }
}
