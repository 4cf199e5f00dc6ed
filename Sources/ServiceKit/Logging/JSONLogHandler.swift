import Foundation

/// Writes each record as one JSON line (see ``JSONLogFormat``) to a file descriptor, by default stderr.
///
/// Each line goes out in a single `write(2)`, so lines written from many threads never interleave
/// (writes up to `PIPE_BUF` bytes to a pipe are atomic; a short write is finished with further calls).
///
/// ```swift
/// let logger = Logger(handler: JSONLogHandler(service: "router"), level: config.logLevel)
/// ```
public struct JSONLogHandler: LogHandler {
    /// The value of the `service` field.
    public let service: String
    private let fileDescriptor: Int32

    /// Creates a handler for `service` writing to `fileDescriptor` (stderr unless told otherwise).
    public init(service: String, fileDescriptor: Int32 = STDERR_FILENO) {
        self.service = service
        self.fileDescriptor = fileDescriptor
    }

    public func log(_ record: LogRecord) {
        let line = JSONLogFormat.line(for: record, service: service)
        line.withUnsafeBytes { buffer in
            writeAllBytes(fileDescriptor, buffer)
        }
    }
}

/// Writes all of `buffer` to `fd`, retrying on `EINTR` and short writes. Other errors drop the line:
/// there is nowhere left to report them.
fileprivate func writeAllBytes(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) {
    guard var base = buffer.baseAddress else { return }
    var remaining = buffer.count
    while remaining > 0 {
        let written = write(fd, base, remaining)
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        remaining -= written
        base += written
    }
}
